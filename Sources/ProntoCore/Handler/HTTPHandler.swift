/// An async function from a request to its response. `nonisolated(nonsending)`: it runs on
/// its caller's executor, which for a handler is the connection's event loop, with no
/// executor switch when it is called or returns.
public typealias AsyncResponder = nonisolated(nonsending) @Sendable (Request) async throws -> Response

/// What a handler decided for a request: a response now, or work to run asynchronously.
public enum HandlerResult: Sendable {
    /// The response, produced synchronously on the event loop.
    case response(Response)
    /// An async function that produces the response. The engine runs it in a task on the
    /// connection's own event loop (no thread hop) and keeps responses in request order.
    case async(AsyncResponder)
    /// The same, run with this request instead of the one the engine passed to the handler
    /// (a dispatcher that attached data to it in ``Request/context``, say).
    case asyncWithRequest(Request, AsyncResponder)
}

/// The engine's interface to the application: one function from a request to a result.
///
/// It runs on the connection's event loop, so it must not block. A thrown ``ResponseError``
/// is answered with its response; any other error becomes a 500 for that request alone
/// (the error is logged; its text is not sent).
public struct HTTPHandler: Sendable {
    /// Decides what to do with a request; called on the connection's event loop.
    public let dispatch: @Sendable (Request) throws -> HandlerResult
    /// How each request's body reaches ``dispatch``, asked when a head with a body arrives
    /// (the request it gets has no body yet); nil collects every body. A request whose body
    /// streams is dispatched at once, with ``Request/bodyStream``.
    public let bodyPolicy: (@Sendable (Request) -> RequestBodyPolicy)?

    /// A handler that decides per request whether to answer now or asynchronously, and
    /// (`bodyPolicy`) which request bodies it takes as a stream.
    public init(
        bodyPolicy: (@Sendable (Request) -> RequestBodyPolicy)? = nil,
        _ dispatch: @escaping @Sendable (Request) throws -> HandlerResult
    ) {
        self.bodyPolicy = bodyPolicy
        self.dispatch = dispatch
    }

    /// A handler that answers every request synchronously on the event loop.
    public static func sync(_ respond: @escaping @Sendable (Request) throws -> Response) -> HTTPHandler {
        HTTPHandler { .response(try respond($0)) }
    }

    /// A handler that answers every request from an async function on the event loop.
    public static func async(_ respond: @escaping AsyncResponder) -> HTTPHandler {
        HTTPHandler { _ in .async(respond) }
    }
}
