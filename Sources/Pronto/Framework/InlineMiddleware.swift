/// What an ``InlineMiddleware`` decided before the handler.
public enum MiddlewareStep<Context: Sendable>: Sendable {
    /// Go on to the next middleware or the handler; `Context` reaches ``InlineMiddleware/didRespond(to:context:response:)``.
    case proceed(Context)
    /// Answer with this response; the handler and inner middleware are not called.
    case respond(Response)
}

extension MiddlewareStep where Context == Void {
    /// Go on to the next middleware or the handler.
    public static var proceed: MiddlewareStep<Void> { .proceed(()) }
}

/// Middleware whose work before and after the handler is synchronous: the common case
/// (inspect or modify the request, answer early, then modify the response, map errors).
///
/// Pronto runs it inline around the handler: a synchronous route stays synchronous, with
/// no task and no allocation for the middleware, and an `async` route pays only for its own
/// suspensions. A middleware that must `await` (a database look-up before the handler)
/// conforms to ``Middleware`` instead; every ``InlineMiddleware`` is a ``Middleware`` too.
///
/// ```swift
/// struct PoweredBy: InlineMiddleware {
///     func didRespond(to request: Request, context: Void, response: inout Response) {
///         response.headers.add(name: "X-Powered-By", value: "Pronto")
///     }
/// }
/// app.use(PoweredBy())
/// ```
public protocol InlineMiddleware: Middleware {
    /// What ``willRespond(to:)`` hands to the later steps for one request (a start time,
    /// an id); `Void` when nothing is needed.
    associatedtype Context: Sendable = Void

    /// Runs before the handler. It may change the request (the handler sees the change),
    /// answer it at once with `.respond(…)`, or throw.
    func willRespond(to request: inout Request) throws -> MiddlewareStep<Context>

    /// Runs after the handler (and the middleware inside this one) answered. It may change
    /// the response, or throw.
    func didRespond(to request: Request, context: Context, response: inout Response) throws

    /// Runs when the handler or a middleware inside this one threw `error`: return a
    /// response to answer with instead, or throw (the default rethrows `error`).
    func didFail(request: Request, context: Context, error: any Error) throws -> Response

    /// `handler` with this middleware around it, still synchronous. Pronto calls it once
    /// per route at startup; keep the default. (A requirement, not only an extension, so
    /// that the default is specialised for each conforming type: generic code around every
    /// request would cost more than the middleware itself.)
    func wrap(_ handler: @escaping SyncResponder) -> SyncResponder

    /// `handler` with this middleware around it: the steps run inline, only `handler`
    /// awaits. Called once per route at startup; keep the default.
    func wrap(_ handler: @escaping AsyncResponder) -> AsyncResponder
}

/// A synchronous route handler, as middleware composition sees it.
public typealias SyncResponder = @Sendable (Request) throws -> Response

extension InlineMiddleware where Context == Void {
    @inlinable
    public func willRespond(to request: inout Request) throws -> MiddlewareStep<Void> { .proceed }
}

extension InlineMiddleware {
    @inlinable
    public func didRespond(to request: Request, context: Context, response: inout Response) throws {}

    @inlinable
    public func didFail(request: Request, context: Context, error: any Error) throws -> Response { throw error }

    /// The ``Middleware`` form, for chains that hold an async middleware too.
    @inlinable
    public func handle(_ request: Request, next: Next) async throws -> Response {
        var request = request
        let context: Context
        switch try willRespond(to: &request) {
        case .respond(let response): return response
        case .proceed(let value): context = value
        }
        var response: Response
        do {
            response = try await next(request)
        } catch {
            return try didFail(request: request, context: context, error: error)
        }
        try didRespond(to: request, context: context, response: &response)
        return response
    }

    @inlinable
    public func wrap(_ handler: @escaping SyncResponder) -> SyncResponder {
        { request in
            var request = request
            let context: Context
            switch try willRespond(to: &request) {
            case .respond(let response): return response
            case .proceed(let value): context = value
            }
            var response: Response
            do {
                response = try handler(request)
            } catch {
                return try didFail(request: request, context: context, error: error)
            }
            try didRespond(to: request, context: context, response: &response)
            return response
        }
    }

    @inlinable
    public func wrap(_ handler: @escaping AsyncResponder) -> AsyncResponder {
        { request in try await handle(request, next: handler) }
    }
}
