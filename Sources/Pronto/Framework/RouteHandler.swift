/// A route's handler, kept sync when it is, so that a sync route without middleware runs
/// inline on the event loop (no task, no allocation for the call).
enum RouteHandler: Sendable {
    case sync(@Sendable (Request) throws -> Response)
    case async(@Sendable (Request) async throws -> Response)

    /// The handler with `middleware` around it (async as soon as there is any).
    func wrapped(in middleware: [any Middleware]) -> RouteHandler {
        guard !middleware.isEmpty else { return self }
        return .async(middleware.wrapping(asAsync))
    }

    var asAsync: @Sendable (Request) async throws -> Response {
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
        case .async(let handler): .asyncWithRequest(request, handler)
        }
    }
}
