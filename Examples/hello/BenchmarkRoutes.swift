import Pronto

/// Routes that use Pronto the way real apps do, for the benchmark's table (Benchmarks/run.sh,
/// scenarios `async`, `yield`, `middleware`, `middleware-async`, `middleware-json`, `params-json`):
/// each prices one path against the sync `/plaintext`.
enum BenchmarkRoutes {
    /// Passes every request through unchanged: the cost of middleware itself.
    struct PassThrough: InlineMiddleware {}

    /// The same as an async ``Middleware`` (awaits `next`): the general form's cost.
    static let passThroughAsync = ClosureMiddleware { request, next in try await next(request) }

    struct Post: Codable, Sendable, ResponseEncodable {
        let user: Int
        let post: Int
        let title: String
    }

    static func add(to app: App) {
        app.get("/async/yield") { _ async in
            // Suspends once: the handler's task really leaves the loop and comes back.
            await Task.yield()
            return Response(contentType: "text/plain", body: .string("Hello, World!"))
        }
        let middleware = app.group("/mw", middleware: [PassThrough(), PassThrough()])
        middleware.get("/plaintext") { _ in
            Response(contentType: "text/plain", body: .string("Hello, World!"))
        }
        middleware.get("/json") { _ in
            Greeting(message: "Hello, World!")
        }
        let asyncMiddleware = app.group("/mw-async", middleware: [passThroughAsync, passThroughAsync])
        asyncMiddleware.get("/plaintext") { _ in
            Response(contentType: "text/plain", body: .string("Hello, World!"))
        }
        app.get("/users/{id}/posts/{post}") { request in
            Post(user: try request.parameter("id", as: Int.self), post: try request.parameter("post", as: Int.self), title: "Hello")
        }
    }
}
