import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// On the listening channel: serves at most ``ServerConfiguration/maxConnections`` at once,
/// and says once, not in a loop, when accepting fails for want of file descriptors.
///
/// At the limit it stops asking the listening socket for connections: new clients wait in
/// the kernel's backlog (their connect succeeds, their request waits) instead of being
/// refused, and accepting resumes as soon as a connection closes. A connection accepted in
/// the same batch as the one that reached the limit is held, not registered (it costs its
/// socket and nothing else), and served when a slot frees.
///
/// `accept` failing with EMFILE or ENFILE (the process or the system is out of descriptors)
/// stops accepting for ``backoff``, then it is tried again. The connection stays in the
/// backlog, so the listening socket stays readable: without the pause the loop spins on
/// the failing `accept` (measured: 6,400 failed `accept4` a second). NIO's
/// `AcceptBackoffHandler` cannot do it here: after a failed accept NIO's server channel
/// keeps its read pending, so no `read` reaches the pipeline for the handler to delay;
/// turning `autoRead` off takes the socket out of the poll set. The failure is logged once
/// per episode, when the first one happens.
final class AcceptLimiter: ChannelDuplexHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel
    typealias OutboundIn = Never

    private let maxConnections: Int
    private let logger: Logger
    /// The server's registry, which every accepted connection joins until it closes.
    private let registry: ConnectionRegistry
    /// This listener's connections in the registry: the registry's close callback frees
    /// the connection's slot here too, so each connection costs one callback, not one per
    /// interested party. Made when the handler is added (it needs the loop).
    private var source: ConnectionRegistry.Source?
    /// Connections accepted and not closed yet, served or held.
    private var open = 0
    /// Accepted past the limit: served, in order, when connections close.
    private var held = CircularBuffer<any Channel>()
    /// NIO asked to read (accept) while at the limit.
    private var readPending = false
    /// An accept failure was logged and no accept has succeeded since.
    private var inFailureEpisode = false
    private var context: ChannelHandlerContext?
    /// Accepting is paused after a failure; resumed when this fires.
    private var backoffTimer: Scheduled<Void>?
    static let backoff = TimeAmount.seconds(1)

    init(maxConnections: Int, logger: Logger, registry: ConnectionRegistry = ConnectionRegistry()) {
        self.maxConnections = maxConnections
        self.logger = logger
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        source = registry.source(closed: SlotReturn(NIOLoopBound(self, eventLoop: context.eventLoop)))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        // The source holds this handler: connections still open keep it for their closes.
        source = nil
        backoffTimer?.cancel()
        backoffTimer = nil
        // The listener closed (shutdown): connections still held were never served.
        while let channel = held.popFirst() { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = unwrapInboundIn(data)
        if inFailureEpisode {
            inFailureEpisode = false
            logger.notice("accepting connections again")
        }
        open += 1
        source?.add(channel)
        if open > maxConnections {
            held.append(channel)
        } else {
            context.fireChannelRead(data)
        }
    }

    func read(context: ChannelHandlerContext) {
        if open >= maxConnections {
            readPending = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? IOError, Self.isOutOfDescriptors(error) {
            if !inFailureEpisode {
                inFailureEpisode = true
                logger.error("cannot accept connections: out of file descriptors; retrying every second", metadata: [
                    "error": "\(error)", "open": "\(open)",
                    "fix": "raise the descriptor limit (ulimit -n, LimitNOFILE=) or lower ServerConfiguration.maxConnections",
                ])
            }
            pauseAccepting(context)
            return
        }
        context.fireErrorCaught(error)
    }

    private func pauseAccepting(_ context: ChannelHandlerContext) {
        guard backoffTimer == nil, let options = context.channel.syncOptions else { return }
        try? options.setOption(.autoRead, value: false)
        backoffTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.backoff) {
            self.backoffTimer = nil
            // Registers the socket for reading again: the next accept is tried.
            try? self.context?.channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    /// Gives a closed connection's slot back on the listener's loop, whichever loop the
    /// connection lives on: one hop per connection, never per request.
    private final class SlotReturn: ConnectionRegistry.ClosedListener {
        let limiter: NIOLoopBound<AcceptLimiter>

        init(_ limiter: NIOLoopBound<AcceptLimiter>) {
            self.limiter = limiter
        }

        func connectionClosed() {
            limiter.eventLoop.execute { self.limiter.value.connectionClosed() }
        }
    }

    private func connectionClosed() {
        open -= 1
        guard let context else { return }
        // A held connection takes the slot first.
        if open >= maxConnections, let next = held.popFirst() {
            context.fireChannelRead(wrapInboundOut(next))
        }
        if readPending, open < maxConnections {
            readPending = false
            context.read()
        }
    }

    static func isOutOfDescriptors(_ error: IOError) -> Bool {
        error.errnoCode == EMFILE || error.errnoCode == ENFILE
    }
}

extension ServerConfiguration {
    /// The default for ``maxConnections``: the process's file-descriptor limit, less a
    /// reserve (a tenth, at most 1,024) for files, database connections and logs.
    public static var defaultMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return 1 << 20 }
        let descriptors = Int(clamping: limit.rlim_cur)
        return max(1, descriptors - min(descriptors / 10, 1024))
    }
}
