import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// An open WebSocket connection, as its route's handler sees it.
///
/// ```swift
/// app.webSocket("/echo") { request, ws in
///     for await message in ws.messages {
///         try await ws.send(message)
///     }
/// }
/// ```
/// The handler runs in a task on the connection's event loop. When it returns, the
/// connection is closed with 1000 (normal closure); when it throws, with 1011. When the
/// peer goes away, the task is cancelled. Sending waits while the socket cannot take more
/// (backpressure). Pings are answered by the server itself, and idle connections pinged (see
/// ``WebSocketConfiguration``). Every method may be called from any task.
public final class WebSocket: Sendable {
    /// The messages from the peer; the sequence ends when the connection closes.
    public let messages: WebSocketInbound
    /// The connection's event loop.
    public let eventLoop: any EventLoop
    let connection: NIOLoopBound<WebSocketConnectionHandler>
    private let closeState = NIOLockedValueBox<WebSocketCloseCode?>(nil)

    init(messages: WebSocketInbound, connection: NIOLoopBound<WebSocketConnectionHandler>, eventLoop: any EventLoop) {
        self.messages = messages
        self.connection = connection
        self.eventLoop = eventLoop
    }

    /// The code of the peer's close frame once the peer closed: ``WebSocketCloseCode/noStatusReceived``
    /// for a close frame without one, ``WebSocketCloseCode/abnormalClosure`` when the
    /// connection ended without a close frame; nil while open.
    public var peerCloseCode: WebSocketCloseCode? { closeState.withLockedValue { $0 } }

    func peerClosed(with code: WebSocketCloseCode) {
        closeState.withLockedValue { if $0 == nil { $0 = code } }
    }

    /// Sends `message`; returns once the connection can take more.
    ///
    /// - Throws: ``WebSocketError/closed`` once the connection is closing or closed.
    public func send(_ message: WebSocketMessage) async throws {
        try await send(opcode: message.kind == .text ? .text : .binary, message.data)
    }

    /// Sends a text message.
    public func send(text: String) async throws {
        try await send(opcode: .text, ByteBuffer(string: text))
    }

    /// Sends a binary message.
    public func send(binary: ByteBuffer) async throws {
        try await send(opcode: .binary, binary)
    }

    /// Sends a ping (the peer answers with a pong; the server notes it as a sign of life).
    public func ping(_ data: ByteBuffer = ByteBuffer()) async throws {
        guard data.readableBytes <= 125 else { throw WebSocketError.tooLarge(limit: 125) }
        try await send(opcode: .ping, data)
    }

    /// Starts the closing handshake with `code` and `reason` and waits until the connection
    /// is closed: when the peer answered with its close frame, or after
    /// ``WebSocketConfiguration/closeTimeout``. Closing a closed socket does nothing.
    ///
    /// - Throws: ``WebSocketError/tooLarge(limit:)`` for a reason longer than 123 bytes.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") async throws {
        guard reason.utf8.count <= 123 else { throw WebSocketError.tooLarge(limit: 123) }
        let connection = self.connection
        let closed = eventLoop.flatSubmit {
            connection.value.startClosing(code, reason: reason)
            return connection.value.closeFuture
        }
        try? await closed.get()
    }

    private func send(opcode: WebSocketOpcode, _ data: ByteBuffer) async throws {
        let connection = self.connection
        if eventLoop.inEventLoop {
            // The usual case: the handler's task runs on the connection's loop.
            try connection.value.send(opcode: opcode, data)
            if connection.value.isWritable { return }
        } else {
            let writable = try await eventLoop.submit {
                try connection.value.send(opcode: opcode, data)
                return connection.value.isWritable
            }.get()
            if writable { return }
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            eventLoop.execute { connection.value.waitUntilWritable(continuation) }
        }
    }
}
