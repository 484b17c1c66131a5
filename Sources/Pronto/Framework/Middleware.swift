/// What a middleware calls to pass the request on: the next middleware, or the route.
public typealias Next = @Sendable (Request) async throws -> Response

/// Code that runs around route handlers: it sees the request first and the response last.
///
/// ```swift
/// struct Timing: Middleware {
///     func handle(_ request: Request, next: Next) async throws -> Response {
///         let start = ContinuousClock.now
///         var response = try await next(request)
///         response.headers.add(name: "Server-Timing", value: "app;dur=\(…)")
///         return response
///     }
/// }
/// app.use(Timing())
/// ```
/// Routes with no middleware skip this machinery entirely: a synchronous handler then runs
/// inline on the event loop, with no task.
public protocol Middleware: Sendable {
    func handle(_ request: Request, next: Next) async throws -> Response
}

/// A middleware made from a closure.
public struct ClosureMiddleware: Middleware {
    let body: @Sendable (Request, Next) async throws -> Response

    public init(_ body: @escaping @Sendable (Request, Next) async throws -> Response) {
        self.body = body
    }

    public func handle(_ request: Request, next: Next) async throws -> Response {
        try await body(request, next)
    }
}

extension Array where Element == any Middleware {
    /// `endpoint` wrapped in these middleware, the first outermost. Built once, at startup.
    func wrapping(_ endpoint: @escaping Next) -> Next {
        reversed().reduce(endpoint) { next, middleware in
            { request in try await middleware.handle(request, next: next) }
        }
    }
}
