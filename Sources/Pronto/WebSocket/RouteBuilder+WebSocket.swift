import Logging
import NIOCore
import NIOWebSocket

/// A WebSocket route's handler: it runs once the handshake succeeded, with the upgrade
/// request (its path parameters, headers, context) and the open socket.
public typealias WebSocketHandler = @Sendable (Request, WebSocket) async throws -> Void

extension RouteBuilder {
    /// Registers a WebSocket endpoint: a `GET` route at `pattern` whose requests are upgraded
    /// (RFC 6455), with the router's path parameters and the middleware of the app and group.
    ///
    /// ```swift
    /// app.webSocket("/chat/{room}", shouldUpgrade: { request in
    ///     request.header("Authorization") == nil ? Response(status: .unauthorized) : nil
    /// }) { request, ws in
    ///     for await message in ws.messages {
    ///         try await ws.send(text: "\(request.parameter("room") ?? "?"): \(message.text ?? "")")
    ///     }
    /// }
    /// ```
    /// `shouldUpgrade` runs before the `101 Switching Protocols`: return a response to refuse
    /// the upgrade with it (an authentication or origin check), nil to accept; a thrown error
    /// is answered like a handler's. A request that is not a valid WebSocket handshake is
    /// refused by the framework: 426 (with the headers a client needs) or 400, with a reason.
    ///
    /// An invalid `configuration` is refused when registering: the route is not added, and
    /// the error (naming the field and the fix) goes to the app's log.
    public func webSocket(
        _ pattern: String,
        configuration: WebSocketConfiguration = WebSocketConfiguration(),
        shouldUpgrade: (@Sendable (Request) async throws -> Response?)? = nil,
        _ handler: @escaping WebSocketHandler
    ) {
        let logger = (self as? App)?.configuration.logger ?? (self as? RouteGroup)?.app.configuration.logger ?? Logger(label: "pronto.websocket")
        do {
            try configuration.validate()
        } catch {
            logger.error("webSocket(\"\(pattern)\") is not registered: \(error)")
            return
        }
        get(pattern) { request async throws -> Response in
            let accept: String
            switch WebSocketHandshake.check(request) {
            case .success(let value): accept = value
            case .failure(let refusal): return refusal.response
            }
            if let shouldUpgrade, let refusal = try await shouldUpgrade(request) { return refusal }
            var headers: HTTPFields = ["Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": accept]
            var acceptance: WebSocketExtensionAcceptance?
            if let compression = configuration.compression {
                let offers = WebSocketExtensionOffer.parse(request.headers(named: "sec-websocket-extensions"), name: compression.name)
                if !offers.isEmpty, let accepted = compression.accept(offers: offers) {
                    acceptance = accepted
                    headers.add(name: "Sec-WebSocket-Extensions", value: accepted.response)
                }
            }
            let makeCodec = acceptance?.makeCodec
            return Response(
                status: .switchingProtocols,
                headers: headers,
                body: .upgrade(ProtocolUpgrade { channel in
                    try WebSocketConnectionHandler.install(
                        on: channel, request: request, configuration: configuration, codec: try makeCodec?(), logger: logger, handler: handler
                    )
                })
            )
        }
    }
}

extension WebSocketConnectionHandler {
    /// Adds the WebSocket handlers to `channel` (after the 101) and starts `handler`.
    static func install(
        on channel: any Channel, request: Request, configuration: WebSocketConfiguration, codec: (any WebSocketMessageCodec)?,
        logger: Logger, handler: @escaping WebSocketHandler
    ) throws {
        let loop = channel.eventLoop
        let executor = request.connection.taskExecutor ?? EventLoopTaskExecutor(loop)
        let connection = WebSocketConnectionHandler(configuration: configuration, logger: logger, eventLoop: loop, executor: executor)
        connection.codec = codec
        let bound = NIOLoopBound(connection, eventLoop: loop)
        let socket = WebSocket(messages: connection.makeInbound(), connection: bound, eventLoop: loop)
        connection.socket = socket
        try channel.pipeline.syncOperations.addHandler(connection)
        // The handler runs on the connection's loop, like an HTTP handler.
        connection.task = Task(executorPreference: connection.executor) {
            var failure: (any Error)?
            do {
                try await handler(request, socket)
            } catch {
                failure = error
            }
            let finished = failure
            if loop.inEventLoop {
                bound.value.handlerFinished(error: finished)
            } else {
                loop.execute { bound.value.handlerFinished(error: finished) }
            }
        }
    }
}
