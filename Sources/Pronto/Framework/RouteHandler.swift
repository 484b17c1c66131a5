/// A route's handler, kept sync when it is, so that a sync route runs inline on the event
/// loop (no task, no allocation for the call), behind any number of ``InlineMiddleware``.
enum RouteHandler: Sendable {
    case sync(@Sendable (Request) throws -> Response)
    case async(AsyncResponder)

    /// The handler with `middleware` around it, the first outermost. Inline middleware
    /// keep a sync handler sync; the first ``Middleware`` that is not inline, and every
    /// middleware outside it, makes it async. A ``RouteAwareMiddleware`` is replaced by the
    /// middleware it makes for `route` (nil: the requests no route takes).
    func wrapped(in middleware: [any Middleware], route: RouteDescription?) -> RouteHandler {
        middleware.reversed().reduce(self) { handler, middleware in
            let middleware = (middleware as? any RouteAwareMiddleware)?.middleware(for: route) ?? middleware
            if let inline = middleware as? any InlineMiddleware {
                switch handler {
                case .sync(let handler): return .sync(inline.wrap(handler))
                case .async(let handler): return .async(inline.wrap(handler))
                }
            }
            let next = handler.asAsync
            return .async { request in try await middleware.handle(request, next: next) }
        }
    }

    var asAsync: AsyncResponder {
        switch self {
        case .sync(let handler): { request in try handler(request) }
        case .async(let handler): handler
        }
    }

    /// What the engine runs for `request`.
    @inline(__always)
    func result(for request: Request) throws -> HandlerResult {
        switch self {
        case .sync(let handler): .response(try handler(request))
        // The engine runs it with the request the in-place dispatcher left (route layout set).
        case .async(let handler): .async(handler)
        }
    }
}
