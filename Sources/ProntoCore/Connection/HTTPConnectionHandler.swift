import Logging
import NIOCore

/// One HTTP/1.1 connection on a NIO channel: parses every request in a read, dispatches
/// each, encodes the responses in request order into one output buffer and writes it once
/// per read batch (one `writev` per batch, as Japronto does).
///
/// A thin adapter: the connection's life (which request is being received, whether it is
/// the last, when to close, what the timer does) is ``ConnectionStateMachine``'s; this type
/// moves bytes, runs handlers and executes what the machine decides. Its parts are in
/// files by concern: receiving requests (`+Requests`), producing and encoding responses
/// (`+Responses`), writing, time and shutdown (`+Writing`).
///
/// Hot path: in steady state on a keep-alive connection a request whose handler does not
/// suspend allocates nothing here. The read buffer is released after each batch so NIO
/// reuses it, the parser reuses its header array, the output buffer is cleared and refilled
/// in place, and the Date line comes from the loop's cache.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A response owed, in request order. `response` is nil while its handler runs.
    struct Pending {
        var response: Response?
        let isHead: Bool
        var keepAlive: Bool
        let http1_0: Bool
        /// The request's body streams (it was dispatched before its body arrived).
        var streamsBody = false
        /// The request asks to switch protocols (`Connection: upgrade` and `Upgrade`).
        var asksUpgrade = false
        /// The head of the request answered (its first line names it in the log if its
        /// response cannot be sent). Only for a response that waits its turn: a `Request`
        /// here would make every slot copy a large value.
        var requestHead: ByteBuffer? = nil
    }

    /// Room for responses owed before the ring grows (once per connection, when it
    /// pipelines deeper): one, so that an idle connection stays small. A sync response is
    /// encoded at once and never takes a slot; the ring grows for async or pipelined ones.
    /// Until then a connection shares its loop's empty ring (`LoopResources`).
    static let pendingInitialCapacity = 1

    /// Output buffered in one batch before it is written early (see `takeRequests`).
    static let outputHighWaterMark = 256 * 1024

    /// The server's settings, handler and logger: one object for all its connections.
    let shared: Shared
    let resources: LoopResources
    var settings: Settings { shared.settings }
    var handler: HTTPHandler { shared.handler }
    var logger: Logger { shared.logger }
    /// The loop's one empty buffer, for buffers that hold nothing (see `LoopResources`).
    var emptyBuffer: ByteBuffer { resources.emptyBuffer }

    // Every stored property below is touched only on the connection's event loop, one
    // callback at a time, so the runtime's dynamic exclusivity checks can never fire;
    // they cost about 5% of a pipelined request, hence `@exclusivity(unchecked)`.
    @exclusivity(unchecked) var context: ChannelHandlerContext!
    @exclusivity(unchecked) var state: ConnectionStateMachine
    @exclusivity(unchecked) var parser: RequestParser
    /// Unconsumed input: the bytes from the start of the current (partial) request on.
    @exclusivity(unchecked) var input: ByteBuffer
    /// Responses of this batch, written once in `channelReadComplete`.
    @exclusivity(unchecked) var output: ByteBuffer
    /// Where a body of unknown length is measured before its head is written (HEAD
    /// responses only; others are written in place, see `+UnknownLength`).
    @exclusivity(unchecked) var scratch: ByteBuffer
    /// Decimal digits of the last body of unknown length: the guess of the next one's.
    @exclusivity(unchecked) var unknownLengthDigits = 2
    /// What requests learn of the connection: the loop's addressless stand-in until the
    /// channel is active. Not optional: unwrapping it cost a retain per request (uprobes).
    @exclusivity(unchecked) var connectionInfo: ConnectionInfo
    /// The channel's writability, as `channelWritabilityChanged` reported it: asking the
    /// channel on every read costs a retain and an atomic load.
    @exclusivity(unchecked) var channelIsWritable = true

    /// The request whose body is being read, when it arrives after its head.
    @exclusivity(unchecked) var arriving: ArrivingBody?
    @exclusivity(unchecked) var bodySink = BodySink.collect
    /// Numbers streamed bodies, so a late signal from an old one's consumer is ignored.
    @exclusivity(unchecked) var bodyStreamGeneration: UInt64 = 0
    /// The streamed response being sent; the responses behind it wait (see `+Streaming`).
    @exclusivity(unchecked) var activeStream: StreamingResponse?
    /// Output handed to NIO with `write` but not yet flushed (file regions, large stream writes).
    @exclusivity(unchecked) var hasUnflushedWrites = false
    /// A request asking to upgrade is answered yet: no request after it is parsed until its
    /// response says whether the connection stays HTTP (see `+Upgrade`).
    @exclusivity(unchecked) var awaitingUpgrade = false
    /// A 101 is encoded: hand the connection over once it is written.
    @exclusivity(unchecked) var upgradeToPerform: ProtocolUpgrade?

    // Responses not yet encoded, oldest first; `headSequence` numbers the first.
    @exclusivity(unchecked) var pending: CircularBuffer<Pending>
    @exclusivity(unchecked) var headSequence: UInt64 = 0
    /// Runs this connection's async handlers (created at the first one).
    @exclusivity(unchecked) var asyncWorker: AsyncHandlerWorkers?
    /// A worker is taking requests from the input (see `takeNextAsyncJob`): the next async
    /// request's job is kept here for it instead of being submitted.
    @exclusivity(unchecked) var capturesAsyncJob = false
    /// The worker holds a captured job (in `AsyncHandlerWorkers.capturedJob`).
    var hasCapturedJob: Bool { asyncWorker?.capturedJob != nil }

    // Call-stack facts, not connection states: they order NIO's callbacks.
    @exclusivity(unchecked) var inReadBatch = false
    @exclusivity(unchecked) var readPending = false
    @exclusivity(unchecked) var flushScheduled = false
    @exclusivity(unchecked) var isProcessingInput = false
    @exclusivity(unchecked) var isWriting = false
    /// A resume asked for while busy (see `isBusy`), done when the outer call returns.
    @exclusivity(unchecked) var resumeDeferred = false

    // One timer per connection, re-armed lazily (see `timerFired`).
    @exclusivity(unchecked) var timer: NIOScheduledCallback?
    @exclusivity(unchecked) var timerDeadline = NIODeadline.distantFuture

    convenience init(
        settings: Settings, handler: HTTPHandler, resources: LoopResources, logger: Logger,
        allocator: ByteBufferAllocator
    ) {
        self.init(shared: Shared(settings: settings, handler: handler, logger: logger), resources: resources)
    }

    init(shared: Shared, resources: LoopResources) {
        self.shared = shared
        self.resources = resources
        let settings = shared.settings
        self.state = ConnectionStateMachine(now: NIODeadline.now().uptimeNanoseconds, timeouts: shared.timeouts)
        // The body limit depends on the route (see `startRequest`): checked there, not by the parser.
        var parserLimits = settings.limits
        parserLimits.maxBodySize = .max
        self.parser = RequestParser(limits: parserLimits)
        // The loop's one empty buffer: every connection's idle buffers point at it, none
        // allocates its own (a storage each, kept for the connection's life).
        let emptyBuffer = resources.emptyBuffer
        self.input = emptyBuffer
        // Allocated by the first response (and again after an idle spell, see
        // `releaseBuffersIfIdle`): a connection that sends nothing costs no output buffer.
        self.output = emptyBuffer
        self.scratch = emptyBuffer
        self.pending = resources.emptyPendingRing
        self.connectionInfo = resources.addresslessConnection
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
        guard connectionInfo === resources.addresslessConnection else { return }
        channelIsWritable = context.channel.isWritable
        connectionInfo = ConnectionInfo(remoteAddress: context.channel.remoteAddress, loop: resources.connectionLoop)
        state.opened(at: context.eventLoop.now.uptimeNanoseconds)
        armTimer(at: state.firstDeadline)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.closed()
        stopWork()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopWork()
        self.context = nil
    }

    /// Cancels the timer and the running handlers.
    private func stopWork() {
        timer?.cancel()
        timer = nil
        failBodyStream(.connectionClosed)
        activeStream?.connectionClosed()
        activeStream = nil
        asyncWorker?.finish()
        asyncWorker = nil  // the worker's completion closure holds this handler: break the cycle
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // I/O errors (a reset by the peer, mostly) end the connection; nothing to answer.
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescingStep(state.quiesce(at: context.eventLoop.now.uptimeNanoseconds, owed: owedCount))
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadBatch = true
        var buffer = unwrapInboundIn(data)
        state.bytesArrived(buffer.readableBytes, at: context.eventLoop.now.uptimeNanoseconds)
        resources.withDateCache { $0.refresh() }
        // After a final response, input is discarded; after a 101, it is kept for the new
        // protocol (handed over with the flush that ends this batch).
        guard state.isTakingRequests || upgradeToPerform != nil else { return }
        if input.readableBytes == 0 {
            input = buffer
        } else {
            input.writeBuffer(&buffer)
        }
        if upgradeToPerform == nil { processInput() }
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
        let now = context.eventLoop.now.uptimeNanoseconds
        channelIsWritable = context.channel.isWritable
        if channelIsWritable {
            state.outputUnblocked(at: now)
            activeStream?.becameWritable()
            resumeIfPossible()
        } else {
            // The client is not reading: it has `writeTimeout` to start again.
            state.outputBlocked(at: now)
            if state.writeDeadline < timerDeadline.uptimeNanoseconds { armTimer(at: state.writeDeadline) }
        }
        context.fireChannelWritabilityChanged()
    }

    /// True while this handler is inside `processInput` or a write. NIO calls back inside a
    /// write (writability changes, a failed write closing the channel), so those callbacks
    /// must not re-enter the input loop: `output` is not yet cleared, and a nested
    /// `processInput` would append to it and write it again.
    var isBusy: Bool { isProcessingInput || isWriting }

    /// Stop reading while the pipeline is full or the socket cannot take more output.
    var shouldPauseReading: Bool {
        pending.count >= settings.maxPipelinedRequests || !channelIsWritable || state.isBodyPaused || awaitingUpgrade
    }

    func resumeIfPossible() {
        guard context != nil else { return }  // handed over to another protocol (see `+Upgrade`)
        if isBusy {
            // Resumed by the outermost `processInput` or `flush` when it returns.
            resumeDeferred = true
            return
        }
        guard state.isWritable, !shouldPauseReading else { return }
        if input.readableBytes > 0 {
            processInput()
            flush()
        }
        if readPending, !shouldPauseReading {
            readPending = false
            context.read()
        }
    }

    func resumeIfDeferred() {
        guard resumeDeferred, !isBusy else { return }
        resumeDeferred = false
        resumeIfPossible()
    }
}

extension TimeAmount {
    /// Nanoseconds, 0 for a negative amount (configuration validation refuses those).
    var nanosecondsClamped: UInt64 { UInt64(max(0, nanoseconds)) }
}
