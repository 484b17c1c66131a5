import Pronto
import Testing

/// The router's tree against a naive matcher that tries every route in turn, over random
/// routes and paths.
@Suite("Router: tree vs naive reference")
struct RouterReferenceTests {
    @Test("random routes and paths give the same outcome", arguments: 0..<40)
    func randomized(seed: UInt64) throws {
        var random = RouterRandom(seed: seed &+ 0x5EED)
        var router = Router<String>()
        var reference = NaiveRouter()
        let routeCount = Int(random.next() % 60) + 1
        let rootCatchAll = seed % 2 == 0
        for _ in 0..<routeCount {
            let method = NaiveRouter.methods.randomElement(using: &random)!
            let pattern = randomPattern(&random, rootCatchAll: rootCatchAll)
            let expectsConflict = reference.conflicts(method, pattern)
            let error = routingError { try router.add(methodName: method, pattern, "\(method) \(pattern)") }
            #expect((error?.kind == .conflict) == expectsConflict, "\(method) \(pattern): \(error?.message ?? "added")")
            if error == nil { reference.add(method, pattern) }
        }
        var seen: Set<String> = []
        for _ in 0..<300 {
            let method = (NaiveRouter.methods + ["DELETE", "LINK"]).randomElement(using: &random)!
            let path = randomPath(&random, routes: reference.routes)
            let expected = reference.outcome(method, path)
            #expect(router.outcome(method, path) == expected, "\(method) \(path)")
            #expect(router.lazyOutcome(method, path) == expected, "\(method) \(path) (lazy)")
            seen.insert(Self.kind(expected))
        }
        // Every kind of outcome turns up in most runs (a root catch-all hides 404s, so only
        // the seeds that forbid it are held to that).
        if !rootCatchAll { #expect(seen.count >= 4, "\(seen)") }
    }

    private static let literals = ["a", "b", "ab", "é", "x y", "%"]

    private static func kind(_ outcome: RouteOutcome) -> String {
        switch outcome {
        case .found: "found"
        case .headFallback: "headFallback"
        case .options: "options"
        case .methodNotAllowed: "methodNotAllowed"
        case .notFound: "notFound"
        }
    }

    private func randomPattern(_ random: inout RouterRandom, rootCatchAll: Bool) -> String {
        let count = Int(random.next() % 4)
        var segments: [String] = []
        for i in 0..<count {
            switch random.next() % 10 {
            case 0..<5: segments.append(Self.literals.randomElement(using: &random)!)
            case 5..<8: segments.append("{p\(i)}")
            case 8: segments.append("")
            default: segments.append(i == count - 1 && (i > 0 || rootCatchAll) ? "*" : "{q\(i)}")
            }
        }
        return "/" + segments.joined(separator: "/")
    }

    /// A path made from a route's pattern (so that most paths match something), with its
    /// segments encoded, replaced, added or removed at random.
    private func randomPath(_ random: inout RouterRandom, routes: [NaiveRouter.Route]) -> String {
        let pieces = ["a", "b", "ab", "%61", "%61b", "%C3%A9", "é", "x%20y", "", "a%2Fb", "%zz", "%", "%25", "zz", "a/b"]
        var segments: [String] = []
        if let route = routes.randomElement(using: &random), random.next() % 5 != 0 {
            for segment in route.segments {
                switch segment {
                case .literal(let text): segments.append(random.next() % 3 == 0 ? encode(text) : text)
                case .parameter: segments.append(pieces.filter { !$0.isEmpty }.randomElement(using: &random)!)
                case .catchAll:
                    for _ in 0..<Int(random.next() % 3) { segments.append(pieces.randomElement(using: &random)!) }
                }
            }
        } else {
            for _ in 0..<Int(random.next() % 4) { segments.append(pieces.randomElement(using: &random)!) }
        }
        switch random.next() % 8 {
        case 0: segments.append(pieces.randomElement(using: &random)!)
        case 1: if !segments.isEmpty { segments.removeLast() }
        case 2: if !segments.isEmpty { segments[Int(random.next() % UInt64(segments.count))] = pieces.randomElement(using: &random)! }
        default: break
        }
        return "/" + segments.joined(separator: "/")
    }

    private func encode(_ text: String) -> String {
        text.utf8.map { b in
            let hex = Array("0123456789ABCDEF".utf8)
            return String(decoding: [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
        }.joined()
    }
}

/// Routes in a list; a match tries each one on the path's segments.
struct NaiveRouter {
    static let methods = ["GET", "HEAD", "POST", "PUT", "OPTIONS", "PURGE"]

    enum Segment: Equatable {
        case literal(String)
        case parameter(String)
        case catchAll
    }

    struct Route {
        var method: String
        var pattern: String
        var segments: [Segment]
    }

    var routes: [Route] = []

    static func parse(_ pattern: String) -> [Segment] {
        pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { part in
            if part == "*" { return .catchAll }
            if part.hasPrefix("{") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
    }

    private static func shape(_ segments: [Segment]) -> [Segment] {
        segments.map { if case .parameter = $0 { .parameter("") } else { $0 } }
    }

    func conflicts(_ method: String, _ pattern: String) -> Bool {
        let shape = Self.shape(Self.parse(pattern))
        return routes.contains { $0.method == method && Self.shape($0.segments) == shape }
    }

    mutating func add(_ method: String, _ pattern: String) {
        routes.append(Route(method: method, pattern: pattern, segments: Self.parse(pattern)))
    }

    /// Percent-decoding as RFC 3986 has it, leniently: a bad escape stays as it is.
    static func decode(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[i + 1...i + 2], as: UTF8.self), radix: 16)
            {
                out.append(value)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// Kinds of the segments (0 literal, 1 parameter, 2 catch-all) and the parameters, when
    /// `route` matches `path`'s segments.
    private func match(_ route: Route, _ parts: [Substring]) -> (kinds: [Int], parameters: [String: String])? {
        var kinds: [Int] = []
        var parameters: [String: String] = [:]
        for (i, segment) in route.segments.enumerated() {
            guard i < parts.count else { return nil }
            switch segment {
            case .literal(let text):
                guard Self.decode(parts[i]) == Array(text.utf8) else { return nil }
                kinds.append(0)
            case .parameter(let name):
                guard !parts[i].isEmpty else { return nil }
                parameters[name] = String(decoding: Self.decode(parts[i]), as: UTF8.self)
                kinds.append(1)
            case .catchAll:
                parameters["*"] = String(decoding: Self.decode(Substring(parts[i...].joined(separator: "/"))), as: UTF8.self)
                kinds.append(2)
                return (kinds, parameters)
            }
        }
        return route.segments.count == parts.count ? (kinds, parameters) : nil
    }

    func outcome(_ method: String, _ path: String) -> RouteOutcome {
        guard path.hasPrefix("/") else { return .notFound }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        let matches = routes.compactMap { route in match(route, parts).map { (route, $0.kinds, $0.parameters) } }
        guard !matches.isEmpty else { return .notFound }
        // One group per tree node: the same kinds at every segment. Literal < parameter <
        // catch-all at the first segment where two differ.
        let groups = Dictionary(grouping: matches, by: \.1).sorted { $0.key.lexicographicallyPrecedes($1.key) }
        for (_, group) in groups {
            if let m = group.first(where: { $0.0.method == method }) {
                return .found("\(m.0.method) \(m.0.pattern)", m.2)
            }
            if method == "HEAD", let m = group.first(where: { $0.0.method == "GET" }) {
                return .headFallback("GET \(m.0.pattern)", m.2)
            }
        }
        let methods = Set(matches.map(\.0.method)).union(["OPTIONS"]).union(matches.contains { $0.0.method == "GET" } ? ["HEAD"] : [])
        let order = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"]
        let allowed = order.filter(methods.contains) + methods.subtracting(order).sorted()
        return method == "OPTIONS" ? .options(allowed) : .methodNotAllowed(allowed)
    }
}

/// A small seeded generator, so a failure can be replayed.
struct RouterRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
