import Logging
import NIOCore
import NIOWebSocket

/// The WebSocket protocol on one connection, after the handshake (RFC 6455 §5–7): checks
/// every frame, joins messages, answers pings, keeps idle connections alive, and runs the
/// closing handshake. It reads and writes frames itself, with ``WebSocketFrameCodec`` (see
/// there why not NIOWebSocket's codec); it is the only handler after the hand-off.
///
/// Loop-confined: every member is touched only on the channel's event loop.
final class WebSocketConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

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
    var state = CloseState.open
    var context: ChannelHandlerContext?
    var assembler: WebSocketMessageAssembler
    var source: WebSocketInbound.Producer.Source?
    /// Bytes read and not yet taken as frames (the start of a frame still arriving).
    var input: ByteBuffer
    /// Made once: `input` is reset to it after each read (no new empty buffer each time).
    let emptyBuffer: ByteBuffer
    /// Where payloads are unmasked and frames written: reused when nothing holds the last
    /// message or frame any more (a write copies only while its previous contents are still
    /// referenced), so an echo allocates nothing.
    var payloads = ByteBuffer()
    var output = ByteBuffer()
    /// The text frame still arriving at the front of `input`: payload bytes checked as UTF-8
    /// so far, and the validator's state after them (see `checkArrivingText`).
    var arriving: (checked: Int, validator: UTF8Validator)?
    var scratch = ByteBuffer()
    /// Messages handed to the inbound sequence, against those its iterator returned.
    var yielded = 0
    let consumption = InboundConsumption()
    var readPaused = false
    /// The connection failed while the peer may still be sending: close lingering (see
    /// `writeAndClose`).
    var lingersOnClose = false
    var readPending = false
    var writableWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Time of the last frame received, for the idle ping.
    var lastReceived: NIODeadline
    var awaitingPong = false
    var pingTimer: Scheduled<Void>?
    var closeTimer: Scheduled<Void>?
    let closePromise: EventLoopPromise<Void>
    /// The peer's side (see ``WebSocket/peerCloseCode``); set when the handler is made.
    var socket: WebSocket?
    /// The route handler's task, cancelled when the connection goes away.
    var task: Task<Void, Never>?
    /// The negotiated per-message extension's codec (permessage-deflate), if any.
    var codec: (any WebSocketMessageCodec)?

    /// `executor`: the loop's shared one (the engine's, from the upgrade request). An
    /// executor of its own per connection would cost its job queue each.
    init(configuration: WebSocketConfiguration, logger: Logger, eventLoop: any EventLoop, executor: EventLoopTaskExecutor) {
        self.configuration = configuration
        self.logger = logger
        self.eventLoop = eventLoop
        self.executor = executor
        self.emptyBuffer = ByteBuffer()
        self.input = emptyBuffer
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
            delegate: LoopDemandDelegate(loop: eventLoop, onDemand: onDemand)
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

    func connectionClosed() {
        guard state != .closed else { return }
        state = .closed
        pingTimer?.cancel()
        closeTimer?.cancel()
        socket?.peerClosed(with: .abnormalClosure)
        // The socket holds this handler: drop it, or the pair would outlive the connection.
        socket = nil
        source?.finish()
        source = nil
        task?.cancel()
        task = nil
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
        // I/O errors (a reset by the peer, mostly) end the connection.
        logger.debug("WebSocket connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Past the closing handshake (draining, or closing while our side lingers) what the
        // peer sends is not read as frames: it is dropped, not kept.
        guard state == .open || state == .closeSent else { return }
        var bytes = unwrapInboundIn(data)
        lastReceived = eventLoop.now
        awaitingPong = false
        if input.readableBytes == 0 {
            input = bytes
        } else {
            input.writeBuffer(&bytes)
        }
        while state == .open || state == .closeSent {
            let parse = input.withUnsafeReadableBytes { WebSocketFrameCodec.parseHead($0, maxPayload: configuration.maxMessageSize) }
            guard case .head(let head) = parse else {
                if case .failure(let code, let reason) = parse { fail(code, reason) }
                break
            }
            guard input.readableBytes >= head.frameLength else {
                checkArrivingText(head)
                break
            }
            arriving = nil
            let payload = input.getSlice(at: input.readerIndex + head.headLength, length: head.payloadLength)!
            input.moveReaderIndex(forwardBy: head.frameLength)
            receivedFrame(head, payload, context: context)
        }
        // Let NIO reuse its receive buffer when nothing of it is left to read.
        if input.readableBytes == 0 { input = emptyBuffer }
    }

    /// A text frame still arriving: checks the UTF-8 received so far, so a bad byte fails
    /// the connection at once (RFC 6455 §8.1), not when the frame is complete. The frame is
    /// checked again whole when it is (frames split across reads only pay twice).
    private func checkArrivingText(_ head: WebSocketFrameCodec.Head) {
        guard state == .open, let key = head.maskKey else { return }
        if arriving == nil {
            guard let validator = assembler.textValidator(for: head.opcode, compressed: head.reservedBits & 0x40 != 0) else { return }
            arriving = (0, validator)
        }
        let available = min(input.readableBytes - head.headLength, head.payloadLength)
        guard var (checked, validator) = arriving, available > checked else { return }
        let masked = input.getSlice(at: input.readerIndex + head.headLength + checked, length: available - checked)!
        // The mask's bytes go round every 4 payload bytes: start this slice at its phase.
        let phase = UInt32(checked % 4) * 8
        let rotated = phase == 0 ? key : key >> phase | key << (32 - phase)
        scratch.clear()
        WebSocketUnmasking.unmask(masked, key: rotated, into: &scratch)
        let valid = scratch.withUnsafeReadableBytes { validator.validate($0) }
        guard valid else { return fail(.invalidPayload, "a text message is not valid UTF-8") }
        checked = available
        arriving = (checked, validator)
    }

    private func receivedFrame(_ head: WebSocketFrameCodec.Head, _ masked: ByteBuffer, context: ChannelHandlerContext) {
        // After our close frame, only the peer's close matters (RFC 6455 §5.5.1).
        guard state == .open || (state == .closeSent && head.opcode == .connectionClose) else { return }
        guard let maskKey = head.maskKey else { return fail(.protocolError, "client frames must be masked") }
        // RSV1 marks a compressed message's first frame, when an extension was negotiated.
        let rsv1 = head.reservedBits & 0x40 != 0
        let rsv1Allowed = codec != nil && (head.opcode == .text || head.opcode == .binary || head.opcode == .continuation)
        guard !rsv1 || rsv1Allowed, head.reservedBits & 0x30 == 0 else {
            return fail(.protocolError, "reserved bits set without a negotiated extension")
        }
        payloads.clear()
        WebSocketUnmasking.unmask(masked, key: maskKey, into: &payloads)
        let payload = payloads
        switch head.opcode {
        case .text, .binary, .continuation:
            switch assembler.receive(opcode: head.opcode, fin: head.fin, data: payload, compressed: rsv1) {
            case .message(let message): deliver(message)
            case .compressedMessage(let message): decodeAndDeliver(message, allocator: context.channel.allocator)
            case .incomplete: break
            case .failure(let code, let reason): fail(code, reason)
            }
        case .ping:
            write(opcode: .pong, payload, flush: true)
        case .pong:
            break
        case .connectionClose:
            receivedClose(payload)
        default:
            fail(.protocolError, "unknown opcode \(head.opcode)")
        }
    }

    /// A compressed message: decoded by the extension within the size limit, its text checked.
    func decodeAndDeliver(_ message: WebSocketMessage, allocator: ByteBufferAllocator) {
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

    func deliver(_ message: WebSocketMessage) {
        guard let source else { return }  // the handler stopped listening: dropped
        yielded += 1
        // A handler waiting for this message runs at once, on this stack, until it waits
        // again: an echo is written before this read callback returns, instead of a loop
        // tick later (the engine runs async HTTP handlers the same way).
        var result = WebSocketInbound.Producer.Source.YieldResult.produceMore
        executor.runInline { result = source.yield(message) }
        if result == .stopProducing { readPaused = true }
    }

    func demandChanged(_ wantsMore: Bool) {
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

    func resumeReading() {
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

    // MARK: Writing

    /// Sends a data frame from the handler.
    func send(opcode: WebSocketOpcode, _ data: ByteBuffer) throws {
        switch state {
        case .open, .draining: break  // while draining, the answers to earlier messages go out
        case .closeSent, .closing, .closed: throw WebSocketError.closed
        }
        if let codec, opcode == .text || opcode == .binary, let context,
            let encoded = try codec.encode(data, allocator: context.channel.allocator) {
            return write(opcode: opcode, reservedBits: 0x40, encoded, flush: true)
        }
        write(opcode: opcode, data, flush: true)
    }

    /// Writes a final frame: head and payload together in the output buffer (a payload over
    /// 16 KiB goes as its own buffer after the head, rather than copied).
    func write(opcode: WebSocketOpcode, reservedBits: UInt8 = 0, _ payload: ByteBuffer, flush: Bool) {
        guard let context else { return }
        output.clear()
        WebSocketFrameCodec.writeHead(opcode: opcode, reservedBits: reservedBits, length: payload.readableBytes, into: &output)
        if payload.readableBytes <= 16 * 1024 {
            var payload = payload
            output.writeBuffer(&payload)
            context.write(wrapOutboundOut(output), promise: nil)
        } else {
            context.write(wrapOutboundOut(output), promise: nil)
            context.write(wrapOutboundOut(payload), promise: nil)
        }
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
}
