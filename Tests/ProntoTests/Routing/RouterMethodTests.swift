import Pronto
import Testing

@Suite("Router: methods, 404, 405, HEAD and OPTIONS")
struct RouterMethodTests {
    @Test("each registered method has its own handler on a path")
    func methods() throws {
        let all = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"]
        let router = try makeRouter(all.map { ($0, "/r/{id}") })
        let cases: [HTTPMethod] = [.get, .head, .post, .put, .delete, .options, .patch, .connect, .trace]
        for (method, name) in zip(cases, all) {
            #expect(RouteOutcome(router.match(method, "/r/1")) == .found("\(name) /r/{id}", ["id": "1"]))
            #expect(router.outcome(name, "/r/1") == .found("\(name) /r/{id}", ["id": "1"]))
        }
    }

    @Test("404 when no route matches the path, whatever the method")
    func notFound() throws {
        let router = try makeRouter([("GET", "/a"), ("POST", "/b/{x}")])
        for method in ["GET", "POST", "HEAD", "OPTIONS", "PURGE"] {
            #expect(router.outcome(method, "/c") == .notFound)
            #expect(router.outcome(method, "/b") == .notFound)
        }
        #expect(Router<String>().outcome("GET", "/") == .notFound)
    }

    @Test("405 lists the path's methods, HEAD with GET, OPTIONS always")
    func methodNotAllowed() throws {
        let router = try makeRouter([("POST", "/a"), ("GET", "/a"), ("DELETE", "/b"), ("PURGE", "/a"), ("LINK", "/a")])
        let match = router.match(.put, "/a")
        #expect(RouteOutcome(match) == .methodNotAllowed(["GET", "HEAD", "POST", "OPTIONS", "LINK", "PURGE"]))
        #expect(match.allowed.map(RouteMatch<String>.allowHeader) == "GET, HEAD, POST, OPTIONS, LINK, PURGE")
        #expect(router.outcome("GET", "/b") == .methodNotAllowed(["DELETE", "OPTIONS"]))
        #expect(router.outcome("HEAD", "/b") == .methodNotAllowed(["DELETE", "OPTIONS"]))
        #expect(router.outcome("get", "/a") == .methodNotAllowed(["GET", "HEAD", "POST", "OPTIONS", "LINK", "PURGE"]), "methods are case-sensitive")
    }

    @Test("405 lists the methods of every route that matches the path")
    func allowUnion() throws {
        let router = try makeRouter([("GET", "/a/{x}"), ("PUT", "/a/b"), ("PATCH", "/a/*"), ("PURGE", "/a/{y}"), ("POST", "/a/c")])
        #expect(router.outcome("DELETE", "/a/b") == .methodNotAllowed(["GET", "HEAD", "PUT", "OPTIONS", "PATCH", "PURGE"]))
        #expect(router.outcome("DELETE", "/a/b/c") == .methodNotAllowed(["OPTIONS", "PATCH"]))
    }

    @Test("HEAD falls back to GET when the path has no HEAD route, and says so")
    func headFallback() throws {
        let router = try makeRouter([("GET", "/a/{x}"), ("GET", "/b"), ("HEAD", "/b"), ("POST", "/c")])
        #expect(router.outcome("HEAD", "/a/1") == .headFallback("GET /a/{x}", ["x": "1"]))
        #expect(router.outcome("HEAD", "/b") == .found("HEAD /b", [:]))
        #expect(router.outcome("HEAD", "/c") == .methodNotAllowed(["POST", "OPTIONS"]))
        if case .headFallback(let handler, _) = router.match(.head, "/a/1") {
            #expect(handler == "GET /a/{x}")
        } else {
            Issue.record("no fallback")
        }
    }

    @Test("OPTIONS is answered with Allow unless a route takes it")
    func options() throws {
        let router = try makeRouter([("GET", "/a"), ("POST", "/a"), ("OPTIONS", "/b"), ("GET", "/b")])
        #expect(router.outcome("OPTIONS", "/a") == .options(["GET", "HEAD", "POST", "OPTIONS"]))
        #expect(router.outcome("OPTIONS", "/b") == .found("OPTIONS /b", [:]))
        #expect(router.outcome("OPTIONS", "/c") == .notFound)
        #expect(router.outcome("GET", "/b") == .found("GET /b", [:]))
    }

    @Test("other methods by name; HTTPMethod.other without a name matches none")
    func otherMethods() throws {
        var router = try makeRouter([("PURGE", "/cache/{key}"), ("get", "/cache/{key}")])
        #expect(router.outcome("PURGE", "/cache/k") == .found("PURGE /cache/{key}", ["key": "k"]))
        #expect(router.outcome("get", "/cache/k") == .found("get /cache/{key}", ["key": "k"]))
        #expect(router.outcome("Purge", "/cache/k") == .methodNotAllowed(["OPTIONS", "PURGE", "get"]))
        #expect(RouteOutcome(router.match(.other, "/cache/k")) == .methodNotAllowed(["OPTIONS", "PURGE", "get"]))
        #expect(router.outcome("BAD METHOD", "/cache/k") == .methodNotAllowed(["OPTIONS", "PURGE", "get"]))
        let other = routingError { try router.add(.other, "/x", "x") }
        #expect(other?.kind == .invalidMethod)
        #expect(other?.message.contains("add(methodName:") == true)
        let invalid = routingError { try router.add(methodName: "BAD METHOD", "/x", "x") }
        #expect(invalid?.kind == .invalidMethod)
        #expect(invalid?.message.contains("\"BAD METHOD\"") == true)
        #expect(routingError { try router.add(methodName: "", "/x", "x") }?.kind == .invalidMethod)
        try router.add(methodName: "GET", "/g", "by name")
        #expect(router.match(.get, "/g").handler == "by name")
    }
}
