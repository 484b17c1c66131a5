import FuzzSupport
import Pronto

// The router on fuzz-built route tables and raw paths: adding any pattern text throws or
// succeeds without crashing; matching any path bytes stays inside them (AddressSanitizer);
// the route found matches the path by the documented rules and is the most specific one
// for the method (`ReferencePattern`), its parameters are the path's segments; a route for
// the method that matches is never missed; 404 only when no route of any method matches;
// 405 and OPTIONS list the path's methods.

let methods: [(HTTPMethod?, String)] = [(.get, "GET"), (.post, "POST"), (.head, "HEAD"), (.options, "OPTIONS"), (.delete, "DELETE"), (nil, "PURGE")]
/// Literal segments: plain, percent-worthy, empty (a trailing slash), look-alikes of escapes.
let literals = ["a", "b", "users", "caf\u{E9}", "a b", "%", "%41", "", "x.y", "/"]

/// The test libFuzzer runs on each input (see main.swift).
func fuzzRouter(_ bytes: UnsafeRawBufferPointer) {
    var input = FuzzInput(bytes)
    var router = Router<Int>()
    var routes: [(method: String, pattern: ReferencePattern)] = []
    for _ in 0..<input.int(in: 0...8) {
        // The handler is the route's index among those added.
        let index = routes.count
        let method = methods[input.int(in: 0...(methods.count - 1))]
        let text = input.bool() ? String(decoding: input.run(maxCount: 24), as: UTF8.self) : pattern(&input)
        do {
            if let known = method.0 { try router.add(known, text, index) } else { try router.add(methodName: method.1, text, index) }
            routes.append((method.1, ReferencePattern(text)))
        } catch {
            check(!error.message.isEmpty, "a routing error without a message")
        }
    }
    check(router.routes.count == routes.count, "\(router.routes.count) routes registered, \(routes.count) added")
    while !input.isAtEnd {
        let method = methods[input.int(in: 0...(methods.count - 1))]
        let path = input.run(maxCount: 40)
        path.withUnsafeBytes { raw in
            let match = method.0.map { router.match($0, path: raw) } ?? router.match(methodName: method.1, path: raw)
            checkMatch(match, method: method.1, path: path, raw: raw, routes: routes)
        }
    }
}

/// A pattern from the segment kinds the router knows, so that most are accepted.
func pattern(_ input: inout FuzzInput) -> String {
    var text = ""
    var names = 0
    for _ in 0..<input.int(in: 0...4) {
        switch input.byte() % 8 {
        case 0, 1:
            text += "/{p\(names)}"
            names += 1
        case 2: text += "/*"
        default: text += "/" + literals[input.int(in: 0...(literals.count - 1))]
        }
    }
    return text.isEmpty ? "/" : text
}

func checkMatch(_ match: RouteMatch<Int>, method: String, path: [UInt8], raw: UnsafeRawBufferPointer, routes: [(method: String, pattern: ReferencePattern)]) {
    let matching = routes.indices.filter { routes[$0].pattern.matches(path) }
    // The routes that may answer: the method's own, and for HEAD the GET routes too.
    let candidates = matching.filter { routes[$0].method == method || (method == "HEAD" && routes[$0].method == "GET") }
    let best = candidates.map { routes[$0].pattern.precedence }.min { $0.lexicographicallyPrecedes($1) }
    let described = "\(method) \(String(decoding: path, as: UTF8.self).debugDescription)"
    switch match {
    case .found(let index, let parameters), .headFallback(let index, let parameters):
        let fallback = if case .headFallback = match { true } else { false }
        check(candidates.contains(index) && routes[index].method == (fallback ? "GET" : method),
            "\(described) gave route \(index) (\(routes[index].method)), not a matching one (\(candidates))")
        check(routes[index].pattern.precedence == best, "\(described) gave route \(index), a more specific one matches (\(candidates))")
        if fallback {
            check(!candidates.contains { routes[$0].method == "HEAD" && routes[$0].pattern.precedence == best }, "\(described): a GET fallback beside a HEAD route")
        }
        checkParameters(parameters, raw: raw)
    case .options(let allowed), .methodNotAllowed(let allowed):
        check(candidates.isEmpty && !matching.isEmpty, "\(described): \(match) though routes \(candidates) match it")
        for index in matching {
            check(allowed.contains(routes[index].method), "\(described): Allow \(allowed) lacks \(routes[index].method)")
        }
    case .notFound:
        check(matching.isEmpty, "\(described) not found, though routes \(matching) match it")
    }
}

/// A parameter's raw value is a range of the path; decoded, it is the range percent-decoded.
func checkParameters(_ parameters: Parameters, raw: UnsafeRawBufferPointer) {
    for name in parameters.names {
        guard let range = parameters.range(name) else { return check(false, "no range for parameter \(name)") }
        check(range.lowerBound >= 0 && range.upperBound <= raw.count, "parameter \(name) at \(range) outside \(raw.count) bytes")
        check(name == "*" || !range.isEmpty, "parameter \(name) matched an empty segment")
        check(!raw[range].contains(UInt8(ascii: "/")) || name == "*", "parameter \(name) spans a /")
        let expected = String(decoding: percentDecoded(Array(raw[range])), as: UTF8.self)
        check(parameters.value(name, in: raw) == expected, "parameter \(name): \(String(describing: parameters.value(name, in: raw))) != \(expected)")
    }
}
