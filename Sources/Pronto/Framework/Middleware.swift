/// What a middleware calls to pass the request on: the next middleware, or the route.
public typealias Next = AsyncResponder

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
/// A middleware that does not need to `await` around the handler should conform to
/// ``InlineMiddleware`` instead: it then runs inline, and a synchronous route behind it
/// stays synchronous (no task, no allocation). A ``Middleware`` that is not inline makes
/// the routes it wraps asynchronous: they run in a task on the connection's event loop,
/// started inline.
public protocol Middleware: Sendable {
    func handle(_ request: Request, next: Next) async throws -> Response
}

/// A middleware made from a closure.
public struct ClosureMiddleware: Middleware {
    let body: nonisolated(nonsending) @Sendable (Request, Next) async throws -> Response

    /// A middleware that runs `body` with the request and the rest of the chain.
    public init(_ body: nonisolated(nonsending) @escaping @Sendable (Request, Next) async throws -> Response) {
        self.body = body
    }

    public func handle(_ request: Request, next: Next) async throws -> Response {
        try await body(request, next)
    }
}
