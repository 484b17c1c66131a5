/// The method a route answers, as the router stores it: the index of a registered
/// ``HTTPMethod`` case (a bit in a node's method mask), or the name of any other token.
@usableFromInline
enum RouteMethod: Hashable, Sendable {
    case known(UInt8)
    case other(String)

    /// The registered cases in the order the `Allow` header lists them.
    static let known: [HTTPMethod] = [.get, .head, .post, .put, .delete, .options, .patch, .connect, .trace]
    static let knownNames = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"]

    static let get: UInt8 = 0
    static let head: UInt8 = 1
    @usableFromInline static let options: UInt8 = 5
    /// Marks "no registered case" where a `UInt8` index is expected.
    @usableFromInline static let none: UInt8 = 0xFF

    /// The index of a registered method, ``none`` for ``HTTPMethod/other``.
    @inlinable
    static func index(_ method: HTTPMethod) -> UInt8 {
        switch method {
        case .get: 0
        case .head: 1
        case .post: 2
        case .put: 3
        case .delete: 4
        case .options: 5
        case .patch: 6
        case .connect: 7
        case .trace: 8
        case .other: none
        }
    }

    /// A method by its name, case-sensitive (RFC 9110 §9.1): `GET` is ``HTTPMethod/get``,
    /// `get` and `PURGE` are other methods.
    init(name: String) throws(RoutingError) {
        if let i = RouteMethod.knownNames.firstIndex(of: name) {
            self = .known(UInt8(i))
            return
        }
        // tchar (RFC 9110 §5.6.2): a method is a token.
        let tchar = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        guard !name.isEmpty, name.utf8.allSatisfy(tchar.contains) else {
            throw RoutingError(.invalidMethod, "invalid method name \(String(reflecting: name)): a method is a token (letters, digits and !#$%&'*+-.^_`|~)")
        }
        self = .other(name)
    }

    var name: String {
        switch self {
        case .known(let i): RouteMethod.knownNames[Int(i)]
        case .other(let name): name
        }
    }

    /// The `Allow` list for a path whose routes answer the methods of `mask` and `others`:
    /// HEAD when GET is there, OPTIONS always (the router answers it), registered methods
    /// in a fixed order, then the others sorted.
    static func allowed(mask: UInt16, others: [String]) -> [String] {
        var mask = mask | (1 << UInt16(options))
        if mask & (1 << UInt16(get)) != 0 { mask |= 1 << UInt16(head) }
        var names: [String] = []
        for i in 0..<knownNames.count where mask & (1 << UInt16(i)) != 0 {
            names.append(knownNames[i])
        }
        names.append(contentsOf: Set(others).sorted())
        return names
    }
}

extension RouteMethod {
    /// How the route tree is searched for a method given by name: a known index, or
    /// `RouteMethod.none` with the name of an other method (or with nil for an invalid name,
    /// which no route has).
    static func searchKey(name: String) -> (known: UInt8, other: String?) {
        switch try? RouteMethod(name: name) {
        case .known(let i): (i, nil)
        case .other(let name): (RouteMethod.none, name)
        case nil: (RouteMethod.none, nil)
        }
    }
}
