import Logging
import NIOCore
import NIOWebSocket

/// The WebSocket protocol on one connection, after the handshake (RFC 6455 §5–7): checks
/// every frame, joins messages, answers pings, keeps idle connections alive, and runs the
/// closing handshake. Frames come from NIOWebSocket's `WebSocketFrameDecoder` and go out
/// through its `WebSocketFrameEncoder` (a well-kept codec: the framing is not where a
/// WebSocket server spends its time, the message path is).
///
/// Loop-confined: every member is touched only on the channel's event loop.
final class WebSocketConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Where the closing handshake stands.
    enum CloseState: Equatable {
        case open
        /// Our close frame is sent; waiting for the peer's (or the close timeout).
        case closeSent
        /// The peer closed, or broke the protocol: this close frame goes out once the handler
        /// has taken the messages that arrived before (their answers go first), or after the
        /// close timeout.
        case draining(ByteBuffer)
        /// Both close frames are exchanged, or the connection failed: the TCP connection is
        /// closing.
        case closing
        case closed
    }

    let configuration: WebSocketConfiguration
    let logger: Logger
    let eventLoop: any EventLoop
    /// Runs the route handler's task; a message wakes the task inline (see `deliver`).
    let executor: EventLoopTaskExecutor
    private(set) var state = CloseState.open
    private var context: ChannelHandlerContext?
    private var assembler: WebSocketMessageAssembler
    private var source: WebSocketInbound.Producer.Source?
    /// Messages handed to the inbound sequence, against those its iterator returned.
    private var yielded = 0
    private let consumption = InboundConsumption()
    private var readPaused = false
    private var readPending = false
    private var writableWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Time of the last frame received, for the idle ping.
    private var lastReceived: NIODeadline
    private var awaitingPong = false
    private var pingTimer: Scheduled<Void>?
    private var closeTimer: Scheduled<Void>?
    private let closePromise: EventLoopPromise<Void>
    /// The peer's side (see ``WebSocket/peerCloseCode``); set when the handler is made.
    var socket: WebSocket?
    /// The route handler's task, cancelled when the connection goes away.
    var task: Task<Void, Never>?
    /// The negotiated per-message extension's codec (permessage-deflate), if any.
    var codec: (any WebSocketMessageCodec)?

    init(configuration: WebSocketConfiguration, logger: Logger, eventLoop: any EventLoop) {
        self.configuration = configuration
        self.logger = logger
        self.eventLoop = eventLoop
        self.executor = EventLoopTaskExecutor(eventLoop)
        self.assembler = WebSocketMessageAssembler(maxMessageSize: configuration.maxMessageSize)
        self.lastReceived = eventLoop.now
        self.closePromise = eventLoop.makePromise()
    }

    /// Succeeds when the TCP connection is closed.
    var closeFuture: EventLoopFuture<Void> { closePromise.futureResult }

    var isWritable: Bool { context?.channel.isWritable ?? true }

    /// Makes the inbound message sequence, feeding it from this handler.
    func makeInbound() -> WebSocketInbound {
        let onDemand = NIOLoopBound({ [unowned self] (wantsMore: Bool) in self.demandChanged(wantsMore) }, eventLoop: eventLoop)
        let high = configuration.maxQueuedMessages
        let result = WebSocketInbound.Producer.makeSequence(
            elementType: WebSocketMessage.self,
            backPressureStrategy: .init(lowWatermark: high / 2, highWatermark: high),
            finishOnDeinit: false,
            delegate: WebSocketInboundDelegate(loop: eventLoop, onDemand: onDemand)
        )
        source = result.source
        return WebSocketInbound(producer: result.sequence, consumption: consumption)
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        lastReceived = eventLoop.now
        armPing()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionClosed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionClosed()
        self.context = nil
    }

    private func connectionClosed() {
        guard state != .closed else { return }
        state = .closed
        pingTimer?.cancel()
        closeTimer?.cancel()
        socket?.peerClosed(with: .abnormalClosure)
        source?.finish()
        source = nil
        task?.cancel()
        let waiters = writableWaiters
        writableWaiters = []
        for waiter in waiters { waiter.resume(throwing: WebSocketError.closed) }
        closePromise.succeed()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // The server is shutting down: say so, and close once the peer answers.
            startClosing(.goingAway, reason: "server shutting down")
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength:
            fail(.messageTooBig, "a frame exceeds \(configuration.maxMessageSize) bytes")
        case NIOWebSocketError.fragmentedControlFrame:
            fail(.protocolError, "a fragmented control frame")
        case NIOWebSocketError.multiByteControlFrameLength:
            fail(.protocolError, "a control frame longer than 125 bytes")
        default:
            logger.debug("WebSocket connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        lastReceived = eventLoop.now
        awaitingPong = false
        // After our close frame, only the peer's close matters (RFC 6455 §5.5.1).
        guard state == .open || (state == .closeSent && frame.opcode == .connectionClose) else { return }
        guard let maskKey = frame.maskKey else { return fail(.protocolError, "client frames must be masked") }
        // RSV1 marks a compressed message's first frame, when an extension was negotiated.
        let rsv1Allowed = codec != nil && (frame.opcode == .text || frame.opcode == .binary || frame.opcode == .continuation)
        guard !frame.rsv1 || rsv1Allowed, !frame.rsv2, !frame.rsv3 else {
            return fail(.protocolError, "reserved bits set without a negotiated extension")
        }
        let payload = WebSocketUnmasking.unmasked(frame.data, key: maskKey, allocator: context.channel.allocator)
        switch frame.opcode {
        case .text, .binary, .continuation:
            switch assembler.receive(opcode: frame.opcode, fin: frame.fin, data: payload, compressed: frame.rsv1) {
            case .message(let message): deliver(message)
            case .compressedMessage(let message): decodeAndDeliver(message, allocator: context.channel.allocator)
            case .incomplete: break
            case .failure(let code, let reason): fail(code, reason)
            }
        case .ping:
            write(WebSocketFrame(fin: true, opcode: .pong, data: payload), flush: true)
        case .pong:
            break
        case .connectionClose:
            receivedClose(payload)
        default:
            fail(.protocolError, "unknown opcode \(frame.opcode)")
        }
    }

    /// A compressed message: decoded by the extension within the size limit, its text checked.
    private func decodeAndDeliver(_ message: WebSocketMessage, allocator: ByteBufferAllocator) {
        guard let codec else { return fail(.protocolError, "a compressed message without a negotiated extension") }
        let data: ByteBuffer
        do {
            data = try codec.decode(message.data, maxSize: configuration.maxMessageSize, allocator: allocator)
        } catch WebSocketCodecError.tooLarge {
            return fail(.messageTooBig, "a message inflates past \(configuration.maxMessageSize) bytes")
        } catch {
            return fail(.invalidPayload, "a compressed message could not be decoded: \(error)")
        }
        if message.kind == .text {
            let valid = data.withUnsafeReadableBytes { UTF8Validator.isValid($0) }
            guard valid else { return fail(.invalidPayload, "a text message is not valid UTF-8") }
        }
        deliver(WebSocketMessage(kind: message.kind, data: data))
    }

    private func deliver(_ message: WebSocketMessage) {
        guard let source else { return }  // the handler stopped listening: dropped
        yielded += 1
        // A handler waiting for this message runs at once, on this stack, until it waits
        // again: an echo is written before this read callback returns, instead of a loop
        // tick later (the engine runs async HTTP handlers the same way).
        var result = WebSocketInbound.Producer.Source.YieldResult.produceMore
        executor.runInline { result = source.yield(message) }
        if result == .stopProducing { readPaused = true }
    }

    private func demandChanged(_ wantsMore: Bool) {
        guard wantsMore else {
            // The handler stopped iterating (or took the last message before a close): later
            // messages are dropped, reading goes on (control frames still need answers).
            source = nil
            resumeReading()
            finishDraining()
            return
        }
        resumeReading()
    }

    private func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if readPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    // MARK: Closing

    /// A close frame from the peer: answer it (echoing its code) unless we started, then
    /// close the TCP connection (the server closes first, RFC 6455 §7.1.1).
    private func receivedClose(_ payload: ByteBuffer) {
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
        write(WebSocketFrame(fin: true, opcode: .connectionClose, data: Self.closePayload(code, reason: reason)), flush: true)
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
    private func closeAfterDraining(_ payload: ByteBuffer) {
        finishInbound()
        guard yielded - consumption.count > 0, let context else { return sendFinalClose(payload) }
        state = .draining(payload)
        closeTimer = context.eventLoop.scheduleTask(in: TimeAmount(configuration.closeTimeout)) { [weak self] in
            self?.finishDraining()
        }
    }

    private func finishDraining() {
        guard case .draining(let payload) = state else { return }
        closeTimer?.cancel()
        sendFinalClose(payload)
    }

    private func finishInbound() {
        source?.finish()
        source = nil
    }

    private func sendFinalClose(_ payload: ByteBuffer) {
        state = .closing
        writeAndClose(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
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

    private func writeAndClose(_ frame: WebSocketFrame) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in context.close(promise: nil) }
    }

    static func closePayload(_ code: WebSocketCloseCode, reason: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(2 + reason.utf8.count)
        buffer.writeInteger(code.rawValue)
        buffer.writeString(reason)
        return buffer
    }

    // MARK: Writing

    /// Sends a data frame from the handler.
    func send(opcode: WebSocketOpcode, _ data: ByteBuffer) throws {
        switch state {
        case .open, .draining: break  // while draining, the answers to earlier messages go out
        case .closeSent, .closing, .closed: throw WebSocketError.closed
        }
        if let codec, opcode == .text || opcode == .binary, let context,
            let encoded = try codec.encode(data, allocator: context.channel.allocator) {
            return write(WebSocketFrame(fin: true, rsv1: true, opcode: opcode, data: encoded), flush: true)
        }
        write(WebSocketFrame(fin: true, opcode: opcode, data: data), flush: true)
    }

    private func write(_ frame: WebSocketFrame, flush: Bool) {
        guard let context else { return }
        context.write(wrapOutboundOut(frame), promise: nil)
        if flush { context.flush() }
    }

    /// Resumes `waiter` once the socket can take more (at once if it can now).
    func waitUntilWritable(_ waiter: CheckedContinuation<Void, any Error>) {
        if state == .closed { return waiter.resume(throwing: WebSocketError.closed) }
        if isWritable { return waiter.resume() }
        writableWaiters.append(waiter)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            let waiters = writableWaiters
            writableWaiters = []
            for waiter in waiters { waiter.resume() }
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Keeping alive

    /// Pings when nothing arrived for a ping interval; fails the connection when the ping
    /// (or anything else) gets no answer within the pong timeout.
    private func armPing() {
        guard let interval = configuration.pingInterval, let context else { return }
        let wait = TimeAmount(interval) - (eventLoop.now - lastReceived)
        pingTimer = context.eventLoop.scheduleTask(in: max(wait, .milliseconds(1))) { [weak self] in self?.pingDue() }
    }

    private func pingDue() {
        guard state == .open, let interval = configuration.pingInterval, let context else { return }
        if eventLoop.now - lastReceived < TimeAmount(interval) { return armPing() }
        awaitingPong = true
        write(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()), flush: true)
        pingTimer = context.eventLoop.scheduleTask(in: TimeAmount(configuration.pongTimeout)) { [weak self] in
            guard let self, state == .open else { return }
            if awaitingPong {
                fail(.goingAway, "no answer to a ping within \(configuration.pongTimeout)", immediately: true)
            } else {
                armPing()
            }
        }
    }
}
