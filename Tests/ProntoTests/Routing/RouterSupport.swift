import Pronto

/// A router whose handlers are their own patterns, built from `(method, pattern)` pairs.
func makeRouter(_ routes: [(String, String)]) throws -> Router<String> {
    var router = Router<String>()
    for (method, pattern) in routes {
        try router.add(methodName: method, pattern, "\(method) \(pattern)")
    }
    return router
}

/// What a match gave, in a form tests compare in one `#expect`.
enum RouteOutcome: Equatable, CustomStringConvertible {
    case found(String, [String: String])
    case headFallback(String, [String: String])
    case options([String])
    case methodNotAllowed([String])
    case notFound

    init(_ match: RouteMatch<String>) {
        switch match {
        case .found(let handler, let parameters): self = .found(handler, RouteOutcome.dictionary(parameters))
        case .headFallback(let handler, let parameters): self = .headFallback(handler, RouteOutcome.dictionary(parameters))
        case .options(let allowed): self = .options(allowed)
        case .methodNotAllowed(let allowed): self = .methodNotAllowed(allowed)
        case .notFound: self = .notFound
        }
    }

    static func dictionary(_ parameters: Parameters) -> [String: String] {
        Dictionary(uniqueKeysWithValues: parameters.pairs.map { ($0.name, $0.value) })
    }

    var description: String {
        switch self {
        case .found(let h, let p): "found(\(h), \(p))"
        case .headFallback(let h, let p): "headFallback(\(h), \(p))"
        case .options(let a): "options(\(a))"
        case .methodNotAllowed(let a): "methodNotAllowed(\(a))"
        case .notFound: "notFound"
        }
    }
}

extension Router<String> {
    /// The outcome of matching `method` (by name) and `path`, through the `String` API.
    func outcome(_ method: String, _ path: String) -> RouteOutcome {
        RouteOutcome(match(methodName: method, path))
    }

    /// The outcome through the bytes API, parameters read lazily with the same bytes.
    func lazyOutcome(_ method: String, _ path: String) -> RouteOutcome {
        var path = path
        return path.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            switch match(methodName: method, path: bytes) {
            case .found(let handler, let parameters):
                return .found(handler, Dictionary(uniqueKeysWithValues: parameters.names.map { ($0, parameters.value($0, in: bytes)!) }))
            case .headFallback(let handler, let parameters):
                return .headFallback(handler, Dictionary(uniqueKeysWithValues: parameters.names.map { ($0, parameters.value($0, in: bytes)!) }))
            case let other:
                return RouteOutcome(other)
            }
        }
    }
}

/// The error `body` throws, when it is a ``RoutingError``.
func routingError(_ body: () throws -> Void) -> RoutingError? {
    do {
        try body()
        return nil
    } catch let error as RoutingError {
        return error
    } catch {
        return nil
    }
}
