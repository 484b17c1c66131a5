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
    /// The decision with the request passed `inout`, for a handler made with
    /// ``inPlace(bodyPolicy:_:)``: the engine calls this instead of ``dispatch``, so a
    /// dispatcher that attaches data to the request (in ``Request/context``: the framework's
    /// route layout) sets it in place instead of copying the whole request (4 retains and
    /// 5 releases per request, counted with uprobes).
    public let dispatchInPlace: (@Sendable (inout Request) throws -> HandlerResult)?

    /// A handler that decides per request whether to answer now or asynchronously, and
    /// (`bodyPolicy`) which request bodies it takes as a stream.
    public init(
        bodyPolicy: (@Sendable (Request) -> RequestBodyPolicy)? = nil,
        _ dispatch: @escaping @Sendable (Request) throws -> HandlerResult
    ) {
        self.bodyPolicy = bodyPolicy
        self.dispatch = dispatch
        self.dispatchInPlace = nil
    }

    /// A handler that decides with the request passed `inout` (see ``dispatchInPlace``):
    /// what it sets in the request is what the rest of the exchange sees, and a
    /// ``HandlerResult/async(_:)`` it returns runs with the request as it left it.
    /// ``dispatch`` is still there for a caller that has its request by value (HTTP/2's
    /// streams): it works on a copy and answers `.async` as ``HandlerResult/asyncWithRequest(_:_:)``
    /// with that copy.
    public static func inPlace(
        bodyPolicy: (@Sendable (Request) -> RequestBodyPolicy)? = nil,
        _ decide: @escaping @Sendable (inout Request) throws -> HandlerResult
    ) -> HTTPHandler {
        HTTPHandler(bodyPolicy: bodyPolicy, inPlace: decide)
    }

    private init(bodyPolicy: (@Sendable (Request) -> RequestBodyPolicy)?, inPlace: @escaping @Sendable (inout Request) throws -> HandlerResult) {
        self.bodyPolicy = bodyPolicy
        self.dispatchInPlace = inPlace
        self.dispatch = { request in
            var request = request
            switch try inPlace(&request) {
            case .async(let respond): return .asyncWithRequest(request, respond)
            case let result: return result
            }
        }
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
