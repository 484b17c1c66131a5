import NIOCore
import NIOWebSocket

/// The closing handshake (RFC 6455 §7): answering the peer's close, starting ours, failing
/// the connection on a violation, and letting the handler answer what came before a close.
extension WebSocketConnectionHandler {
    /// A close frame from the peer: answer it (echoing its code) unless we started, then
    /// close the TCP connection (the server closes first, RFC 6455 §7.1.1).
    func receivedClose(_ payload: ByteBuffer) {
        var payload = payload
        let code: WebSocketCloseCode
        switch payload.readableBytes {
        case 0:
            code = .noStatusReceived
        case 1:
            return fail(.protocolError, "a close frame with a 1-byte payload")
        default:
            code = WebSocketCloseCode(rawValue: payload.readInteger(as: UInt16.self)!)
            guard code.isValidOnTheWire else { return fail(.protocolError, "invalid close code \(code)") }
            let validReason = payload.withUnsafeReadableBytes { UTF8Validator.isValid($0) }
            guard validReason else { return fail(.invalidPayload, "a close reason that is not valid UTF-8") }
        }
        socket?.peerClosed(with: code)
        if state == .open {
            closeAfterDraining(code == .noStatusReceived ? ByteBuffer() : Self.closePayload(code, reason: ""))
        } else {
            state = .closing
            context?.close(promise: nil)
        }
    }

    /// Sends a close frame and waits for the peer's (up to the close timeout).
    func startClosing(_ code: WebSocketCloseCode, reason: String) {
        if case .draining = state { return finishDraining() }
        guard state == .open, let context else { return }
        state = .closeSent
        write(opcode: .connectionClose, Self.closePayload(code, reason: reason), flush: true)
        let timeout = TimeAmount(configuration.closeTimeout)
        closeTimer = context.eventLoop.scheduleTask(in: timeout) { [weak self] in
            self?.context?.close(promise: nil)
        }
    }

    /// Fails the connection (RFC 6455 §7.1.7): a close frame with `code`, then the TCP close;
    /// after the answers to the messages that came before, unless `immediately` (the peer is
    /// gone).
    func fail(_ code: WebSocketCloseCode, _ reason: String, immediately: Bool = false) {
        logger.debug("WebSocket failed", metadata: ["code": "\(code)", "reason": "\(reason)"])
        switch state {
        case .open:
            // The peer may still be sending (the rest of a message too big): linger.
            lingersOnClose = !immediately
            let payload = Self.closePayload(code, reason: reason)
            if immediately {
                finishInbound()
                sendFinalClose(payload)
            } else {
                closeAfterDraining(payload)
            }
        case .closeSent:
            state = .closing
            context?.close(promise: nil)
        case .draining, .closing, .closed:
            break
        }
    }

    /// Ends the inbound messages; sends `payload` as the last close frame once the handler
    /// has taken those already received (at once when it has).
    func closeAfterDraining(_ payload: ByteBuffer) {
        finishInbound()
        guard yielded - consumption.count > 0, let context else { return sendFinalClose(payload) }
        state = .draining(payload)
        closeTimer = context.eventLoop.scheduleTask(in: TimeAmount(configuration.closeTimeout)) { [weak self] in
            self?.finishDraining()
        }
    }

    func finishDraining() {
        guard case .draining(let payload) = state else { return }
        closeTimer?.cancel()
        sendFinalClose(payload)
    }

    func finishInbound() {
        source?.finish()
        source = nil
    }

    func sendFinalClose(_ payload: ByteBuffer) {
        state = .closing
        writeAndClose(closeFrame: payload)
    }

    /// The route handler returned (error nil) or threw.
    func handlerFinished(error: (any Error)?) {
        if case .draining = state { return finishDraining() }
        guard let error else { return startClosing(.normalClosure, reason: "") }
        if state != .open, error is WebSocketError || error is CancellationError {
            // The connection went away under the handler: nothing went wrong on our side.
            logger.debug("WebSocket handler ended after the connection closed", metadata: ["error": "\(error)"])
            return
        }
        logger.error("WebSocket handler failed", metadata: ["error": "\(error)"])
        startClosing(.internalError, reason: "")
    }

    /// Sends the last close frame, then closes the TCP connection; lingering after a failure.
    ///
    /// After a failure, once the frame is written our side is shut (FIN), and what the peer
    /// still sends is read and discarded until it closes too, or the close timeout passes.
    /// Closing at once with bytes unread would make the kernel answer with a reset, and a
    /// peer still sending (the rest of a message too big, say) could lose the close frame
    /// that says why: it would see "connection reset" instead of 1009. After a closing
    /// handshake the peer has said it sends no more: the connection closes at once.
    func writeAndClose(closeFrame payload: ByteBuffer) {
        guard let context else { return }
        output.clear()
        WebSocketFrameCodec.writeHead(opcode: .connectionClose, length: payload.readableBytes, into: &output)
        var payload = payload
        output.writeBuffer(&payload)
        let timeout = TimeAmount(configuration.closeTimeout)
        let lingers = lingersOnClose
        context.writeAndFlush(wrapOutboundOut(output)).whenComplete { [weak self] result in
            guard lingers, case .success = result else { return context.close(promise: nil) }
            let halfClosed = context.eventLoop.makePromise(of: Void.self)
            context.close(mode: .output, promise: halfClosed)
            halfClosed.futureResult.whenFailure { _ in context.close(promise: nil) }
            self?.closeTimer?.cancel()
            self?.closeTimer = context.eventLoop.scheduleTask(in: timeout) { context.close(promise: nil) }
            self?.resumeReading()  // the discarding must not wait for a handler that is gone
        }
    }

    static func closePayload(_ code: WebSocketCloseCode, reason: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(2 + reason.utf8.count)
        buffer.writeInteger(code.rawValue)
        buffer.writeString(reason)
        return buffer
    }

}
