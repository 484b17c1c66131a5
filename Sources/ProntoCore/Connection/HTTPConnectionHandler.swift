import Logging
import NIOCore

/// Per-event-loop state shared by the connections of one loop: the Date cache and the
/// task executor async handlers run on. Touched only on its own loop.
final class LoopResources: @unchecked Sendable {
    // @unchecked Sendable: handed to channel initialisers across threads, but every
    // mutable member (the DateCache) is used only on `executor.loop`.
    let dateCache: DateCache
    let executor: EventLoopTaskExecutor

    init(loop: any EventLoop) {
        dateCache = DateCache()
        executor = EventLoopTaskExecutor(loop)
    }
}

/// One HTTP/1.1 connection: parses every request in a read, dispatches each, encodes
/// the responses in request order into one output buffer and writes it once per read
/// batch (one `writev` per batch, as Japronto does).
///
/// Hot path: in steady state on a keep-alive connection a synchronous request allocates
/// nothing here. The read buffer is released after each batch so NIO reuses it, the
/// parser reuses its header array, the output buffer is cleared and refilled in place,
/// and the Date line comes from the loop's cache.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Settings {
        var limits: HTTPLimits
        var idleTimeout: TimeAmount
        var requestHeadTimeout: TimeAmount
        var maxPipelinedRequests: Int
    }

    /// A response slot, in request order. `response` is nil while an async handler runs.
    private struct Pending {
        var response: Response?
        let isHead: Bool
        let keepAlive: Bool
        let http1_0: Bool
        /// The head of the request answered (its first line names it in the log if its
        /// response cannot be sent). Only for a response that waits its turn: a `Request`
        /// here would make every slot copy a large value.
        var requestHead: ByteBuffer? = nil
    }

    private enum BodyMode {
        case none
        case contentLength(remaining: Int)
        case chunked
    }

    private let settings: Settings
    private let handler: HTTPHandler
    private let resources: LoopResources
    private let logger: Logger
    private let onClose: (@Sendable (any Channel) -> Void)?

    // Every stored property below is touched only on the connection's event loop, one
    // callback at a time, so the runtime's dynamic exclusivity checks can never fire;
    // they cost about 5% of a pipelined request, hence `@exclusivity(unchecked)`.
    @exclusivity(unchecked) private var context: ChannelHandlerContext!
    @exclusivity(unchecked) private var parser: RequestParser
    /// Unconsumed input: the bytes from the start of the current (partial) request on.
    @exclusivity(unchecked) private var input: ByteBuffer
    @exclusivity(unchecked) private var emptyBuffer: ByteBuffer
    /// Responses of this batch, written once in `channelReadComplete`.
    @exclusivity(unchecked) private var output: ByteBuffer
    /// Where a body of unknown length is measured before its head is written.
    @exclusivity(unchecked) private var scratch: ByteBuffer
    @exclusivity(unchecked) private var connectionInfo: ConnectionInfo?
    private var remoteAddress: SocketAddress? { connectionInfo?.remoteAddress }

    // The request whose body is being read.
    @exclusivity(unchecked) private var bodyMode = BodyMode.none
    @exclusivity(unchecked) private var bodyHead = RequestHead()
    @exclusivity(unchecked) private var bodyHeadBytes: ByteBuffer
    @exclusivity(unchecked) private var body: ByteBuffer
    @exclusivity(unchecked) private var chunkedDecoder: ChunkedBodyDecoder

    // Responses not yet encoded, oldest first; `headSequence` numbers the first.
    @exclusivity(unchecked) private var pending = CircularBuffer<Pending>(initialCapacity: 16)
    @exclusivity(unchecked) private var headSequence: UInt64 = 0

    @exclusivity(unchecked) private var inReadBatch = false
    /// No more requests are taken from this connection (error, `close`, or shutdown).
    @exclusivity(unchecked) private var acceptingRequests = true
    /// The connection closes once everything encoded so far is written.
    @exclusivity(unchecked) private var closeAfterWrite = false
    @exclusivity(unchecked) private var closing = false
    @exclusivity(unchecked) private var quiescing = false
    @exclusivity(unchecked) private var readPending = false
    @exclusivity(unchecked) private var sentContinue = false
    @exclusivity(unchecked) private var flushScheduled = false
    @exclusivity(unchecked) private var isProcessingInput = false
    @exclusivity(unchecked) private var isWriting = false
    /// A resume asked for while busy (see `isBusy`), done when the outer call returns.
    @exclusivity(unchecked) private var resumeDeferred = false
    /// Runs this connection's async handlers (created at the first one).
    @exclusivity(unchecked) private var asyncWorker: AsyncHandlerWorkers?

    // Timeouts: one timer per connection, re-armed lazily (see `timerFired`).
    @exclusivity(unchecked) private var lastActivity = NIODeadline.now()
    @exclusivity(unchecked) private var headStartedAt: NIODeadline?
    @exclusivity(unchecked) private var timer: Scheduled<Void>?
    @exclusivity(unchecked) private var timerDeadline = NIODeadline.distantFuture

    init(
        settings: Settings, handler: HTTPHandler, resources: LoopResources, logger: Logger,
        allocator: ByteBufferAllocator, onClose: (@Sendable (any Channel) -> Void)? = nil
    ) {
        self.settings = settings
        self.handler = handler
        self.resources = resources
        self.logger = logger
        self.onClose = onClose
        self.parser = RequestParser(limits: settings.limits)
        self.chunkedDecoder = ChunkedBodyDecoder(limits: settings.limits)
        self.emptyBuffer = allocator.buffer(capacity: 0)
        self.input = emptyBuffer
        self.bodyHeadBytes = emptyBuffer
        self.body = emptyBuffer
        self.output = allocator.buffer(capacity: 4096)
        self.scratch = allocator.buffer(capacity: 0)
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { channelBecameActive(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        channelBecameActive(context)
        context.fireChannelActive()
    }

    private func channelBecameActive(_ context: ChannelHandlerContext) {
        guard connectionInfo == nil else { return }
        connectionInfo = ConnectionInfo(
            remoteAddress: context.channel.remoteAddress, eventLoop: context.eventLoop, allocator: context.channel.allocator
        )
        lastActivity = context.eventLoop.now
        armTimer(at: lastActivity + min(settings.idleTimeout, settings.requestHeadTimeout))
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        timer?.cancel()
        timer = nil
        asyncWorker?.finish()
        asyncWorker = nil  // the worker's completion closure holds this handler: break the cycle
        onClose?(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        asyncWorker?.finish()
        asyncWorker = nil
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // I/O errors (a reset by the peer, mostly) end the connection; nothing to answer.
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiesce()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadBatch = true
        lastActivity = context.eventLoop.now
        resources.dateCache.refresh()
        guard acceptingRequests else { return }  // after a final response, input is discarded
        var buffer = unwrapInboundIn(data)
        if input.readableBytes == 0 {
            input = buffer
        } else {
            input.writeBuffer(&buffer)
        }
        processInput()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBatch = false
        if input.readableBytes == 0 {
            // Drop our reference so NIO can reuse its receive buffer for the next read.
            input = emptyBuffer
        } else if input.readerIndex > 64 * 1024 {
            input.discardReadBytes()
        }
        flush()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if shouldPauseReading {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { resumeIfPossible() }
        context.fireChannelWritabilityChanged()
    }

    /// True while this handler is inside `processInput` or a write. NIO calls back inside a
    /// write (writability changes, a failed write closing the channel), so those callbacks
    /// must not re-enter the input loop: `output` is not yet cleared, and a nested
    /// `processInput` would append to it and write it again.
    private var isBusy: Bool { isProcessingInput || isWriting }

    /// Output buffered in one batch before it is written early (see `processInput`).
    static let outputHighWaterMark = 256 * 1024

    private var isReadingBody: Bool {
        if case .none = bodyMode { return false }
        return true
    }

    private var shouldPauseReading: Bool {
        pending.count >= settings.maxPipelinedRequests || !context.channel.isWritable
    }

    private func resumeIfPossible() {
        if isBusy {
            // Resumed by the outermost `processInput` or `flush` when it returns.
            resumeDeferred = true
            return
        }
        guard !closing, !shouldPauseReading else { return }
        if input.readableBytes > 0 {
            processInput()
            flush()
        }
        if readPending, !shouldPauseReading {
            readPending = false
            context.read()
        }
    }

    /// Takes every complete request out of `input`, as long as the pipeline has room.
    private func processInput() {
        precondition(!isProcessingInput, "HTTPConnectionHandler: processInput re-entered")
        isProcessingInput = true
        takeRequests()
        isProcessingInput = false
        resumeIfDeferred()
    }

    private func resumeIfDeferred() {
        guard resumeDeferred, !isBusy else { return }
        resumeDeferred = false
        resumeIfPossible()
    }

    private func takeRequests() {
        while acceptingRequests, pending.count < settings.maxPipelinedRequests {
            // Big responses: write what the batch holds so far instead of buffering it all,
            // and stop taking requests while the socket cannot keep up (resumed by
            // channelWritabilityChanged). This bounds memory per connection.
            if output.readableBytes >= Self.outputHighWaterMark {
                flush()
                if !context.channel.isWritable { return }
            }
            switch bodyMode {
            case .none:
                guard input.readableBytes > 0 else { return }
                let result = input.withUnsafeReadableBytes { parser.parse($0) }
                switch result {
                case .needMore:
                    if headStartedAt == nil, parser.isInsideHead { startHeadDeadline() }
                    return
                case .error(let error):
                    headStartedAt = nil
                    refuse(error)
                    return
                case .complete(let head):
                    headStartedAt = nil
                    let headBytes = input.readSlice(length: head.length)!
                    startRequest(head, headBytes)
                }
            case .contentLength(let remaining):
                let available = min(remaining, input.readableBytes)
                if available == 0 { return }
                var slice = input.readSlice(length: available)!
                body.writeBuffer(&slice)
                if remaining == available {
                    finishBody()
                } else {
                    bodyMode = .contentLength(remaining: remaining - available)
                    return
                }
            case .chunked:
                if !decodeChunks() { return }
            }
        }
    }

    private func startRequest(_ head: consuming RequestHead, _ headBytes: consuming ByteBuffer) {
        if head.isChunked {
            bodyHead = head
            bodyHeadBytes = headBytes
            body = context.channel.allocator.buffer(capacity: 0)
            chunkedDecoder = ChunkedBodyDecoder(limits: settings.limits)
            bodyMode = .chunked
            sendContinueIfExpected()
        } else if let length = head.contentLength, length > 0 {
            if input.readableBytes >= length {
                // The whole body is here: hand out a slice, no copy.
                let body = input.readSlice(length: length)!
                dispatch(head, headBytes, body)
            } else {
                bodyHead = head
                bodyHeadBytes = headBytes
                // Grow with what arrives: a client announcing a large body and sending it
                // slowly must not make every connection reserve the maximum up front.
                body = context.channel.allocator.buffer(capacity: min(length, 64 * 1024))
                var rest = input.readSlice(length: input.readableBytes)!
                body.writeBuffer(&rest)
                bodyMode = .contentLength(remaining: length - body.readableBytes)
                sendContinueIfExpected()
            }
        } else {
            dispatch(head, headBytes, nil)
        }
    }

    /// Feeds `input` to the chunked decoder; returns true when the body is complete.
    private func decodeChunks() -> Bool {
        while true {
            let step = input.withUnsafeReadableBytes { bytes -> ChunkedBodyDecoder.Step in
                let step = chunkedDecoder.decode(bytes)
                if case .data(let range, _) = step {
                    body.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[range]))
                }
                return step
            }
            switch step {
            case .data(_, let consumed):
                input.moveReaderIndex(forwardBy: consumed)
            case .needMore(let consumed):
                input.moveReaderIndex(forwardBy: consumed)
                return false
            case .end(let consumed):
                input.moveReaderIndex(forwardBy: consumed)
                finishBody()
                return true
            case .error(let error):
                bodyMode = .none
                refuse(error)
                return false
            }
        }
    }

    private func finishBody() {
        bodyMode = .none
        sentContinue = false
        let head = bodyHead
        let headBytes = bodyHeadBytes
        let body = self.body
        bodyHeadBytes = emptyBuffer
        self.body = emptyBuffer
        dispatch(head, headBytes, body)
    }

    /// RFC 9110 §10.1.1: answer `100 Continue` before reading the body, but only when no
    /// earlier response is still owed (interim responses must not overtake them).
    private func sendContinueIfExpected() {
        guard bodyHead.expectsContinue, !sentContinue, pending.isEmpty, bodyHead.version.isAtLeast1_1 else { return }
        sentContinue = true
        output.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
        if !inReadBatch { flush() }
    }

    // MARK: Dispatching

    private func dispatch(_ head: consuming RequestHead, _ headBytes: consuming ByteBuffer, _ body: consuming ByteBuffer?) {
        let keepAlive = head.keepAlive && !quiescing
        let slot = Pending(response: nil, isHead: head.method == .head, keepAlive: keepAlive, http1_0: !head.version.isAtLeast1_1)
        if !keepAlive { acceptingRequests = false }
        let connection = connectionInfo ?? ConnectionInfo(remoteAddress: nil, eventLoop: context.eventLoop, allocator: context.channel.allocator)
        let request = Request(head: head, headBytes: headBytes, body: body, connection: connection)  // moves, no copies

        let result: HandlerResult
        do {
            result = try handler.dispatch(request)
        } catch {
            result = .response(internalError(error, request))
        }
        switch consume result {  // no copy of the response (4 retains otherwise)
        case .response(let response):
            if pending.isEmpty {
                encode(response, slot, request.headBytes)
            } else {
                var slot = slot
                slot.response = response
                slot.requestHead = request.headBytes
                pending.append(slot)
            }
        case .async(let respond):
            let sequence = headSequence &+ UInt64(pending.count)
            pending.append(slot)
            runAsync(respond, request, sequence)
        case .asyncWithRequest(let request, let respond):
            let sequence = headSequence &+ UInt64(pending.count)
            pending.append(slot)
            runAsync(respond, request, sequence)
        }
    }

    /// Queues an async handler's job (consumed: the request is moved, not copied).
    private func runAsync(
        _ respond: nonisolated(nonsending) consuming @escaping @Sendable (Request) async throws -> Response, _ request: consuming Request, _ sequence: UInt64
    ) {
        if asyncWorker == nil {
            // The workers run on this loop only (see AsyncHandlerWorkers); the cycle through
            // this closure is broken when the connection closes (`asyncWorker = nil`).
            asyncWorker = AsyncHandlerWorkers(loop: context.eventLoop, executor: resources.executor, logger: logger) { sequence, response, request in
                self.complete(sequence, response, request)
            }
        }
        // Run now, inline: a handler that does not suspend has answered when this returns,
        // and its request is gone before the next one is parsed (so the parser reuses the
        // header storage; queueing the whole batch first would allocate per request).
        asyncWorker!.submit(AsyncHandlerWorkers.Job(respond: respond, request: request, sequence: sequence))
    }

    /// An async handler finished: store its response and write every response now in order.
    private func complete(_ sequence: UInt64, _ response: Response, _ request: Request) {
        guard context != nil, sequence >= headSequence else { return }
        if !inReadBatch { resources.dateCache.refresh() }
        let index = Int(sequence &- headSequence)
        guard index < pending.count else { return }
        if index == 0 {
            // The oldest response owed (the common case): encode it now, without storing
            // it in its slot and reading it back.
            let slot = pending.removeFirst()
            headSequence &+= 1
            encode(response, slot, request.headBytes)
        } else {
            let slot = pending.index(pending.startIndex, offsetBy: index)
            pending[slot].response = response
            pending[slot].requestHead = request.headBytes
        }
        drainReady()
        // Inside a read batch or `processInput` (a handler that answered inline), the
        // caller flushes; otherwise one flush after every handler finishing this tick.
        if !inReadBatch, !isProcessingInput { scheduleFlush() }
    }

    /// Async handlers of one read batch finish one after the other in the same loop tick:
    /// flush once after all of them (a task queued behind theirs), not once per response.
    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flush()
            self.resumeIfPossible()
        }
    }

    private func drainReady() {
        while pending.first?.response != nil {
            let first = pending.removeFirst()
            headSequence &+= 1
            encode(first.response!, first, first.requestHead)
        }
        if pending.isEmpty, isReadingBody { sendContinueIfExpected() }
        if quiescing, pending.isEmpty { finishQuiescing() }
    }

    private func internalError(_ error: any Error, _ request: Request) -> Response {
        Self.internalError(error, request, logger)
    }

    static func internalError(_ error: any Error, _ request: Request, _ logger: Logger) -> Response {
        if let error = error as? any ResponseError {
            logger.debug("handler answered with an error", metadata: ["error": "\(error)", "target": "\(request.target)"])
            return error.response
        }
        logger.error("handler failed", metadata: ["error": "\(error)", "target": "\(request.target)"])
        return internalServerError
    }

    // MARK: Encoding

    /// Encodes one response at the end of `output`. Hot path: the response's parts are
    /// passed to the encoder borrowed (no copies, so no retain/release per field).
    private func encode(_ response: Response, _ slot: Pending, _ requestHead: ByteBuffer?) {
        let allowsBody = response.status.allowsBody
        var length = 0
        var usesScratch = false
        if allowsBody {
            if let known = response.body.knownLength {
                length = known
            } else {
                // A writer of unknown length: write it aside to measure it.
                scratch.clear()
                do {
                    try response.body.write(into: &scratch)
                } catch {
                    return encodeInternalError(error, slot, requestHead)
                }
                length = scratch.readableBytes
                usesScratch = true
            }
        }
        // While shutting down, the last response owed says the connection closes.
        let close = !slot.keepAlive || (quiescing && pending.isEmpty && !isReadingBody)
        let keepAlive = !close && slot.http1_0
        let framing: ResponseFraming = allowsBody ? .contentLength(length) : .none
        let date = resources.dateCache
        let size: Int
        do {
            size = try ResponseEncoder.headSize(
                status: response.status, contentType: response.contentType, headers: response.headers,
                framing: framing, close: close, keepAlive: keepAlive, date: date
            )
        } catch {
            return encodeInternalError(error, slot, requestHead)
        }
        let headStart = output.writerIndex
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            ResponseEncoder.encodeHead(
                status: response.status, contentType: response.contentType, headers: response.headers,
                framing: framing, close: close, keepAlive: keepAlive, date: date, into: out
            )
        }
        if allowsBody, !slot.isHead {
            if usesScratch {
                output.writeBuffer(&scratch)
            } else {
                let bodyStart = output.writerIndex
                do {
                    try response.body.write(into: &output)
                } catch {
                    // A writer of known length that threw: drop its head and partial body.
                    output.moveWriterIndex(to: headStart)
                    return encodeInternalError(error, slot, requestHead)
                }
                // The head announced `length` bytes: any other count would make the client
                // read the next response from the wrong place. Nothing of this response has
                // left yet, so it becomes a 500.
                let written = output.writerIndex - bodyStart
                if written != length {
                    output.moveWriterIndex(to: headStart)
                    return encodeInternalError(BodyLengthMismatch(declared: length, written: written), slot, requestHead)
                }
            }
        }
        if close { closeAfterWrite = true }
    }

    /// Answers `slot` with a 500 instead of a response that cannot be sent (an invalid
    /// header, a body writer that threw); the reason goes to the log.
    private func encodeInternalError(_ error: any Error, _ slot: Pending, _ requestHead: ByteBuffer?) {
        logger.error("invalid response", metadata: ["error": "\(error)", "request": "\(Self.requestLine(requestHead))"])
        encode(Self.internalServerError, Pending(response: nil, isHead: slot.isHead, keepAlive: slot.keepAlive, http1_0: slot.http1_0), nil)
    }

    /// The request line at the start of a request's head bytes, for the log.
    private static func requestLine(_ head: ByteBuffer?) -> String {
        guard let head else { return "-" }
        let line = head.readableBytesView.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        return String(decoding: line.prefix(1024), as: UTF8.self)
    }

    private static let internalServerError = Response(
        status: .internalServerError, contentType: "text/plain; charset=utf-8", body: .string("Internal Server Error\n")
    )

    /// Answers a request that cannot be parsed, after every response owed before it,
    /// then closes: its framing is unknown, so nothing after it can be trusted.
    private func refuse(_ error: HTTPParseError) {
        acceptingRequests = false
        logger.debug("refused request", metadata: ["status": "\(error.status)", "reason": "\(error.reason)"])
        let response = Response(
            status: HTTPStatus(code: error.status), contentType: "text/plain; charset=utf-8", body: .string(error.reason + "\n")
        )
        let slot = Pending(response: response, isHead: false, keepAlive: false, http1_0: false)
        if pending.isEmpty { encode(response, slot, nil) } else { pending.append(slot) }
        if !inReadBatch { flush() }
    }

    // MARK: Writing

    private func flush() {
        guard let context, !closing else { return }
        if output.readableBytes > 0 {
            if closeAfterWrite, pending.isEmpty {
                closing = true
                let promise = context.eventLoop.makePromise(of: Void.self)
                isWriting = true
                context.writeAndFlush(wrapOutboundOut(output), promise: promise)
                output.clear()
                isWriting = false
                promise.futureResult.assumeIsolated().whenComplete { _ in self.closeGracefully() }
                return
            }
            isWriting = true
            context.writeAndFlush(wrapOutboundOut(output), promise: nil)
            // NIO has written it (or queued a reference); clearing reuses the storage when
            // the write completed, and is copy-on-write safe when it did not.
            output.clear()
            isWriting = false
            resumeIfDeferred()
        } else if closeAfterWrite, pending.isEmpty {
            closing = true
            closeGracefully()
        }
    }

    /// Closes our side for writing first, so the client reads the last response before
    /// the connection goes away (a close with unread input would reset it), then closes.
    private func closeGracefully() {
        guard let context else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { result in
            guard let context = self.context else { return }
            switch result {
            case .success:
                // Give the client a moment to read and close; then close regardless.
                context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { self.context?.close(promise: nil) }
            case .failure:
                context.close(promise: nil)
            }
        }
    }

    // MARK: Timeouts and shutdown

    private func startHeadDeadline() {
        headStartedAt = lastActivity
        let deadline = lastActivity + settings.requestHeadTimeout
        if deadline < timerDeadline { armTimer(at: deadline) }
    }

    private func armTimer(at deadline: NIODeadline) {
        timer?.cancel()
        timerDeadline = deadline
        // A strong capture on purpose: a weak reference would give the handler a side table,
        // and every retain of it would take the runtime's slow path. The timer is cancelled
        // when the channel goes away, which breaks the cycle.
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.timerFired() }
    }

    /// The reaper: one timer per connection, re-armed to the next deadline that matters
    /// instead of rescheduled per request (a scheduled task allocates).
    private func timerFired() {
        timer = nil
        timerDeadline = .distantFuture
        guard !closing, let context else { return }
        let now = context.eventLoop.now
        if let started = headStartedAt {
            let deadline = started + settings.requestHeadTimeout
            if now >= deadline {
                logger.debug("request head timeout", metadata: ["remote": "\(remoteAddress?.description ?? "?")"])
                requestTimeout()
                return
            }
            armTimer(at: deadline)
            return
        }
        if isReadingBody {
            let deadline = lastActivity + settings.requestHeadTimeout
            if now >= deadline {
                logger.debug("request body timeout", metadata: ["remote": "\(remoteAddress?.description ?? "?")"])
                requestTimeout()
                return
            }
            armTimer(at: deadline)
            return
        }
        if pending.isEmpty {
            let deadline = lastActivity + settings.idleTimeout
            if now >= deadline {
                logger.debug("idle timeout", metadata: ["remote": "\(remoteAddress?.description ?? "?")"])
                context.close(promise: nil)
                return
            }
            armTimer(at: deadline)
        } else {
            // Busy with our own handlers: not the client's fault; look again later.
            armTimer(at: now + settings.idleTimeout)
        }
    }

    private func requestTimeout() {
        acceptingRequests = false
        bodyMode = .none
        let response = Response(status: .requestTimeout, contentType: "text/plain; charset=utf-8", body: .string("request not received in time\n"))
        let slot = Pending(response: response, isHead: false, keepAlive: false, http1_0: false)
        if pending.isEmpty { encode(response, slot, nil) } else { pending.append(slot) }
        flush()
    }

    /// Graceful shutdown: finish what is in flight, answer it with `Connection: close`,
    /// take no new request, close when idle.
    private func quiesce() {
        quiescing = true
        finishQuiescing()
    }

    private func finishQuiescing() {
        // In flight means dispatched or with its body arriving; a partial head is not.
        guard pending.isEmpty, !closing, !isReadingBody else { return }
        acceptingRequests = false
        closeAfterWrite = true
        if !inReadBatch { flush() }
    }
}
