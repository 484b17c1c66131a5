import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

/// The doc comment's example: says which route template answered.
private struct RouteHeader: RouteAwareMiddleware, InlineMiddleware {
    var route: RouteDescription?
    func middleware(for route: RouteDescription?) -> any Middleware { RouteHeader(route: route) }
    func didRespond(to request: Request, context: Void, response: inout Response) {
        response.headers.add(name: "X-Route", value: route?.pattern ?? "none")
    }
}

/// An async middleware that is route aware: it must stay async, and still learn its route.
private struct AsyncRouteHeader: RouteAwareMiddleware {
    var route: RouteDescription?
    func middleware(for route: RouteDescription?) -> any Middleware { AsyncRouteHeader(route: route) }
    func handle(_ request: Request, next: Next) async throws -> Response {
        var response = try await next(request)
        response.headers.add(name: "X-Async-Route", value: route?.description ?? "none")
        return response
    }
}

private func runsInTask() -> Bool { withUnsafeCurrentTask { $0 != nil } }

@Suite("Route-aware middleware")
struct RouteAwareMiddlewareTests {
    static func app() -> App {
        let app = App(configuration: quietConfiguration())
        app.use(RouteHeader())
        app.get("/hello/{name}") { _ in "in task: \(runsInTask())" }
        let api = app.group("/api", middleware: [AsyncRouteHeader()])
        api.post("/users/{id}/posts") { _ in "posted" }
        return app
    }

    @Test("each route's middleware knows the route's template; a sync route stays sync", arguments: bothModes)
    func template(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let hello = try await client.get("/hello/ada")
            #expect(hello.headers(named: "x-route") == ["/hello/{name}"])
            #expect(hello.bodyString == "in task: false")
            let posted = try await client.post("/api/users/7/posts", body: "x")
            #expect(posted.headers(named: "x-route") == ["/api/users/{id}/posts"])
            #expect(posted.headers(named: "x-async-route") == ["POST /api/users/{id}/posts"])
        }
    }

    @Test("requests no route takes get the middleware made for no route", arguments: bothModes)
    func unrouted(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let missing = try await client.get("/nowhere/7")
            #expect(missing.status == 404)
            #expect(missing.headers(named: "x-route") == ["none"])
            let wrongMethod = try await client.get("/api/users/7/posts")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers(named: "x-route") == ["none"])
        }
    }
}
