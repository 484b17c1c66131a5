import Pronto
import Testing

@Suite("Router: matching")
struct RouterMatchingTests {
    @Test("static segments match exactly, the root included")
    func staticSegments() throws {
        let router = try makeRouter([("GET", "/"), ("GET", "/a"), ("GET", "/a/b"), ("GET", "/abc"), ("GET", "/b/c")])
        #expect(router.outcome("GET", "/") == .found("GET /", [:]))
        #expect(router.outcome("GET", "/a") == .found("GET /a", [:]))
        #expect(router.outcome("GET", "/a/b") == .found("GET /a/b", [:]))
        #expect(router.outcome("GET", "/abc") == .found("GET /abc", [:]))
        #expect(router.outcome("GET", "/b/c") == .found("GET /b/c", [:]))
        for path in ["/ab", "/a/b/c", "/b", "/c", "/A", "/a/c", "/abcd", "/b/c/"] {
            #expect(router.outcome("GET", path) == .notFound, "\(path)")
        }
    }

    @Test("a path that does not start with / matches nothing")
    func notAPath() throws {
        let router = try makeRouter([("GET", "/"), ("GET", "/*")])
        #expect(router.outcome("GET", "") == .notFound)
        #expect(router.outcome("GET", "*") == .notFound)
        #expect(router.outcome("GET", "a/b") == .notFound)
        #expect(router.outcome("OPTIONS", "*") == .notFound)
    }

    @Test("parameters take one non-empty segment")
    func parameters() throws {
        let router = try makeRouter([("GET", "/users/{id}"), ("GET", "/users/{id}/posts/{post_id}"), ("GET", "/{a}/{b}/{c}")])
        #expect(router.outcome("GET", "/users/42") == .found("GET /users/{id}", ["id": "42"]))
        #expect(router.outcome("GET", "/users/42/posts/7") == .found("GET /users/{id}/posts/{post_id}", ["id": "42", "post_id": "7"]))
        #expect(router.outcome("GET", "/x/y/z") == .found("GET /{a}/{b}/{c}", ["a": "x", "b": "y", "c": "z"]))
        #expect(router.outcome("GET", "/users/") == .notFound)
        #expect(router.outcome("GET", "/users//posts/7") == .notFound)
        #expect(router.outcome("GET", "/users/42/posts") == .found("GET /{a}/{b}/{c}", ["a": "users", "b": "42", "c": "posts"]))
        #expect(router.outcome("GET", "/users/42/posts/7/x") == .notFound)
    }

    @Test("the catch-all takes the rest of the path, possibly empty, named *")
    func catchAll() throws {
        let router = try makeRouter([("GET", "/static/*"), ("GET", "/files/{dir}/*")])
        #expect(router.outcome("GET", "/static/app.css") == .found("GET /static/*", ["*": "app.css"]))
        #expect(router.outcome("GET", "/static/css/a/b.css") == .found("GET /static/*", ["*": "css/a/b.css"]))
        #expect(router.outcome("GET", "/static/") == .found("GET /static/*", ["*": ""]))
        #expect(router.outcome("GET", "/static//x") == .found("GET /static/*", ["*": "/x"]))
        #expect(router.outcome("GET", "/static") == .notFound)
        #expect(router.outcome("GET", "/files/d/x/y") == .found("GET /files/{dir}/*", ["dir": "d", "*": "x/y"]))
        let match = router.match(.get, "/static/a%20b/c")
        #expect(match.parameters?.catchAll == "a b/c")
    }

    @Test("a root catch-all matches every path")
    func rootCatchAll() throws {
        let router = try makeRouter([("GET", "/*"), ("GET", "/health")])
        #expect(router.outcome("GET", "/") == .found("GET /*", ["*": ""]))
        #expect(router.outcome("GET", "/anything/at/all") == .found("GET /*", ["*": "anything/at/all"]))
        #expect(router.outcome("GET", "/health") == .found("GET /health", [:]))
        #expect(router.outcome("GET", "/health/") == .found("GET /*", ["*": "health/"]))
    }

    @Test("static beats parameter beats catch-all, whatever the order of registration")
    func precedence() throws {
        let routes = [("GET", "/a/*"), ("GET", "/a/{x}"), ("GET", "/a/b"), ("GET", "/a/{x}/c"), ("GET", "/a/b/{y}")]
        for order in [routes, routes.reversed(), [routes[2], routes[0], routes[4], routes[1], routes[3]]] {
            let router = try makeRouter(order)
            #expect(router.outcome("GET", "/a/b") == .found("GET /a/b", [:]))
            #expect(router.outcome("GET", "/a/z") == .found("GET /a/{x}", ["x": "z"]))
            #expect(router.outcome("GET", "/a/z/c") == .found("GET /a/{x}/c", ["x": "z"]))
            #expect(router.outcome("GET", "/a/b/c") == .found("GET /a/b/{y}", ["y": "c"]))
            #expect(router.outcome("GET", "/a/z/d") == .found("GET /a/*", ["*": "z/d"]))
            #expect(router.outcome("GET", "/a/") == .found("GET /a/*", ["*": ""]))
        }
    }

    @Test("a dead end under a static segment falls back to the parameter, then to the catch-all")
    func backtracking() throws {
        let router = try makeRouter([("GET", "/a/b/c"), ("GET", "/a/{x}/d"), ("GET", "/a/*")])
        #expect(router.outcome("GET", "/a/b/c") == .found("GET /a/b/c", [:]))
        #expect(router.outcome("GET", "/a/b/d") == .found("GET /a/{x}/d", ["x": "b"]))
        #expect(router.outcome("GET", "/a/b/e") == .found("GET /a/*", ["*": "b/e"]))
    }

    @Test("a more specific route without the method gives way to a less specific one with it")
    func methodAwarePrecedence() throws {
        let router = try makeRouter([("POST", "/a/b"), ("GET", "/a/{x}")])
        #expect(router.outcome("GET", "/a/b") == .found("GET /a/{x}", ["x": "b"]))
        #expect(router.outcome("POST", "/a/b") == .found("POST /a/b", [:]))
        #expect(router.outcome("POST", "/a/c") == .methodNotAllowed(["GET", "HEAD", "OPTIONS"]))
    }

    @Test("trailing slashes are strict: /a and /a/ are different routes")
    func trailingSlash() throws {
        let onlyA = try makeRouter([("GET", "/a")])
        #expect(onlyA.outcome("GET", "/a") == .found("GET /a", [:]))
        #expect(onlyA.outcome("GET", "/a/") == .notFound)
        let onlySlash = try makeRouter([("GET", "/a/")])
        #expect(onlySlash.outcome("GET", "/a/") == .found("GET /a/", [:]))
        #expect(onlySlash.outcome("GET", "/a") == .notFound)
        let both = try makeRouter([("GET", "/a"), ("GET", "/a/"), ("GET", "/a//")])
        #expect(both.outcome("GET", "/a") == .found("GET /a", [:]))
        #expect(both.outcome("GET", "/a/") == .found("GET /a/", [:]))
        #expect(both.outcome("GET", "/a//") == .found("GET /a//", [:]))
        let parameter = try makeRouter([("GET", "/users/{id}")])
        #expect(parameter.outcome("GET", "/users/1/") == .notFound)
    }

    @Test("the bytes API reads the same parameters lazily as the String API materialises them")
    func lazyAndMaterialised() throws {
        let router = try makeRouter([("GET", "/users/{id}/posts/{post}"), ("GET", "/s/*")])
        for path in ["/users/42/posts/7", "/users/j%C3%B6rg/posts/a%2Fb", "/s/a/b%20c", "/nope"] {
            #expect(router.lazyOutcome("GET", path) == router.outcome("GET", path), "\(path)")
        }
    }

    @Test("parameter values are byte ranges of the path until asked for")
    func ranges() throws {
        let router = try makeRouter([("GET", "/users/{id}/posts/{post}")])
        var path = "/users/42/posts/seven"
        path.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            guard case .found(_, let parameters) = router.match(.get, path: bytes) else {
                Issue.record("no match")
                return
            }
            #expect(!parameters.isMaterialized)
            #expect(parameters.count == 2)
            #expect(parameters.names == ["id", "post"])
            #expect(parameters.range("id") == 7..<9)
            #expect(parameters.range("post") == 16..<21)
            #expect(parameters.range("nope") == nil)
            let materialised = parameters.materialized(in: bytes)
            #expect(materialised.isMaterialized)
            #expect(materialised["post"] == "seven")
        }
    }

    @Test("routes with more parameters than the inline slots")
    func manyParameters() throws {
        let names = (0..<12).map { "p\($0)" }
        let pattern = "/" + names.map { "{\($0)}" }.joined(separator: "/")
        let router = try makeRouter([("GET", pattern), ("GET", "/" + names.dropLast().map { "{\($0)}" }.joined(separator: "/") + "/x")])
        let values = (0..<12).map { "v\($0)" }
        let expected = Dictionary(uniqueKeysWithValues: zip(names, values))
        #expect(router.outcome("GET", "/" + values.joined(separator: "/")) == .found("GET \(pattern)", expected))
        // The literal x beats the twelfth parameter; the overflow slots are set and read back.
        var withX = values
        withX[11] = "x"
        let shorter = Dictionary(uniqueKeysWithValues: zip(names.dropLast(), values))
        let xPattern = "/" + names.dropLast().map { "{\($0)}" }.joined(separator: "/") + "/x"
        #expect(router.outcome("GET", "/" + withX.joined(separator: "/")) == .found("GET \(xPattern)", shorter))
    }

    @Test("a router of Sendable handlers is Sendable and a value type")
    func valueSemantics() throws {
        var router = Router<@Sendable () -> Int>()
        try router.add(.get, "/one") { 1 }
        let copy = router
        try router.add(.get, "/two") { 2 }
        let sendable: any Sendable = copy
        _ = sendable
        #expect(copy.match(.get, "/two").handler == nil)
        #expect(router.match(.get, "/two").handler?() == 2)
        #expect(router.routes.map(\.pattern) == ["/one", "/two"])
    }
}

@Suite("Router: wide nodes")
struct RouterWideNodeTests {
    @Test("300 static siblings, many sharing length, first and last byte: each found, near misses not, by bisection")
    func wideNode() throws {
        var router = Router<Int>()
        // Labels a<x>z of equal length share the key (length, 'a', 'z'): the search must
        // walk every sibling of the key it lands on.
        var labels: [String] = []
        for i in 0..<100 { labels.append("a" + String(String(1000 + i).dropFirst()) + "z") }
        for i in 0..<100 { labels.append("r\(i)") }
        for i in 0..<100 { labels.append(String(repeating: "m", count: i % 17 + 1) + "\(i)") }
        for (i, label) in labels.enumerated() {
            try router.add(.get, "/\(label)", i)
            try router.add(.get, "/\(label)/leaf", 1000 + i)
        }
        for (i, label) in labels.enumerated() {
            #expect(router.match(.get, "/\(label)").handler == i, "\(label)")
            #expect(router.match(.get, "/\(label)/leaf").handler == 1000 + i, "\(label)/leaf")
        }
        for miss in ["a100z", "a05z", "a0050z", "r100", "b000z", "a000y", "", "mmmmmmmmmmmmmmmmmm0"] {
            #expect(router.match(.get, "/\(miss)").handler == nil, "\(miss)")
        }
    }
}
