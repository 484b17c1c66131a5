import Pronto
import Testing

@Suite("Router: registration errors")
struct RouterRegistrationTests {
    @Test("the same pattern twice for a method is a conflict naming it")
    func identical() throws {
        var router = try makeRouter([("GET", "/users/{id}")])
        let error = routingError { try router.add(.get, "/users/{id}", "again") }
        #expect(error?.kind == .conflict)
        #expect(error?.message == "route conflict: GET \"/users/{id}\" is already registered (the same method and path shape can have one handler only)")
        #expect(router.match(.get, "/users/1").handler == "GET /users/{id}", "the first route stays")
    }

    @Test("the same shape with other parameter names is a conflict naming both patterns")
    func sameShape() throws {
        var router = try makeRouter([("GET", "/a/{x}/b/{y}")])
        let error = routingError { try router.add(.get, "/a/{id}/b/{other}", "again") }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("\"/a/{id}/b/{other}\"") == true)
        #expect(error?.message.contains("\"/a/{x}/b/{y}\"") == true)
        #expect(error?.message == "route conflict: GET \"/a/{id}/b/{other}\" has the same shape as GET \"/a/{x}/b/{y}\", already registered (the same method and path shape can have one handler only)")
        let catchAll = routingError { try router.add(.get, "/s/*", "1"); try router.add(.get, "/s/*", "2") }
        #expect(catchAll?.kind == .conflict)
        let other = routingError { try router.add(methodName: "PURGE", "/p", "1"); try router.add(methodName: "PURGE", "/p", "2") }
        #expect(other?.message.contains("PURGE \"/p\"") == true)
    }

    @Test("the same shape for other methods, and overlapping shapes, are not conflicts")
    func notConflicts() throws {
        let router = try makeRouter([
            ("GET", "/a/{x}"), ("POST", "/a/{y}"), ("GET", "/a/b"), ("GET", "/a/*"), ("GET", "/a/{x}/"), ("GET", "/a"), ("GET", "/a/"),
        ])
        // Each route keeps its own parameter names.
        #expect(router.outcome("GET", "/a/1") == .found("GET /a/{x}", ["x": "1"]))
        #expect(router.outcome("POST", "/a/1") == .found("POST /a/{y}", ["y": "1"]))
        #expect(router.routes.count == 7)
    }

    @Test("a failed add leaves the router as it was")
    func failedAddChangesNothing() throws {
        var router = try makeRouter([("GET", "/a")])
        _ = routingError { try router.add(.get, "/a/{x}/{x}", "bad") }
        _ = routingError { try router.add(.get, "/a", "dup") }
        #expect(router.routes.count == 1)
        #expect(router.outcome("GET", "/a/1/2") == .notFound)
    }

    @Test(
        "invalid patterns are refused with a message saying why",
        arguments: [
            ("", "a pattern starts with \"/\""),
            ("users", "a pattern starts with \"/\""),
            ("/a/*/b", "the catch-all \"*\" must be the last segment, but it is segment 2 (\"*\") of 3"),
            ("/*/", "the catch-all \"*\" must be the last segment"),
            ("/a*", "\"*\" is only allowed as a whole last segment (the catch-all), not inside segment 1 (\"a*\")"),
            ("/a/{}", "empty parameter name {} in segment 2 (\"{}\")"),
            ("/a/{id", "unbalanced braces in segment 2 (\"{id\"): write a parameter as {name}"),
            ("/a/id}", "unbalanced braces in segment 2 (\"id}\")"),
            ("/a/}id{", "unbalanced braces"),
            ("/a/{{id}}", "unbalanced braces"),
            ("/{a}{b}", "unbalanced braces"),
            ("/x{id}", "a parameter is a whole segment, but segment 1 (\"x{id}\") has text around its braces"),
            ("/{id}.json", "a parameter is a whole segment"),
            ("/{a}/b/{a}", "duplicate parameter name \"a\" in segment 3 (\"{a}\")"),
            ("/{a b}", "parameter name \"a b\" in segment 1 (\"{a b}\") may only have letters, digits, \"_\", \"-\" and \".\""),
            ("/{*}", "parameter name \"*\""),
            ("/a?b=1", "\"?\" in segment 1 (\"a?b=1\"): a pattern is a path, without query or fragment"),
            ("/a#top", "\"#\" in segment 1"),
        ]
    )
    func invalidPatterns(pattern: String, reason: String) throws {
        var router = Router<Int>()
        let error = routingError { try router.add(.get, pattern, 1) }
        #expect(error?.kind == .invalidPattern)
        #expect(error?.message.hasPrefix("invalid route pattern \(String(reflecting: pattern)): ") == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "no error")")
        #expect(router.routes.isEmpty)
    }
}
