import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 server: listens, runs one ``HTTPHandler`` for every request, stops gracefully.
///
/// ```swift
/// let server = Server(configuration: .init(target: .tcp(host: "127.0.0.1", port: 8080))) { request in
///     .response(.text("Hello, World!"))
/// }
/// try await server.run()  // until SIGINT or SIGTERM
/// ```
public final class Server: Sendable {
    /// What the server was made with.
    public let configuration: ServerConfiguration
    private let handler: HTTPHandler
    /// The caller's event loops; nil when the server makes its own in ``start()`` (and
    /// stops them once it has stopped).
    private let providedGroup: (any EventLoopGroup)?
    private let registry = ConnectionRegistry()
    private let state = NIOLockedValueBox(State())
    /// Each event loop's resources, once bound (read for ``requestsServed()``).
    private let loops = NIOLockedValueBox<[LoopResources]>([])
    /// The control socket to the supervisor, when this process is one of its workers.
    private let link = NIOLockedValueBox<WorkerLink?>(nil)

    private struct State {
        enum Phase {
            case idle
            /// ``start()`` is binding; `shutdownRequested` once ``shutdown()`` was called meanwhile.
            case starting(shutdownRequested: Bool)
            /// Listening on `channel`; `ownedGroup` is the event loops the server made itself.
            case running(any Channel, ownedGroup: MultiThreadedEventLoopGroup?)
            case stopping
            case stopped
        }
        var phase = Phase.idle
        /// Callers of `waitUntilStopped`, resumed once the server has stopped.
        var waiters: [CheckedContinuation<Void, Never>] = []

        /// Marks the server stopped and hands back the waiters to resume.
        mutating func stopped() -> [CheckedContinuation<Void, Never>] {
            phase = .stopped
            defer { waiters = [] }
            return waiters
        }
    }

    /// A server with `handler`. It runs on `eventLoopGroup` if given; otherwise it makes its
    /// own event loops (``ServerConfiguration/eventLoopThreads``) when it starts, and stops
    /// them when it has stopped.
    public init(configuration: ServerConfiguration = .init(), eventLoopGroup: (any EventLoopGroup)? = nil, handler: HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        self.providedGroup = eventLoopGroup
    }

    /// A server whose every request is answered by `dispatch`.
    public convenience init(
        configuration: ServerConfiguration = .init(), eventLoopGroup: (any EventLoopGroup)? = nil,
        _ dispatch: @escaping @Sendable (Request) throws -> HandlerResult
    ) {
        self.init(configuration: configuration, eventLoopGroup: eventLoopGroup, handler: HTTPHandler(dispatch))
    }

    /// The address the server listens on, once started (with the real port if 0 was asked).
    public var localAddress: SocketAddress? {
        state.withLockedValue { state in
            if case .running(let channel, _) = state.phase { return channel.localAddress }
            return nil
        }
    }

    /// The TCP port the server listens on, once started.
    public var port: Int? { localAddress?.port }

    /// Open connections (for monitoring and tests).
    public var connectionCount: Int { registry.count }

    /// Binds and starts accepting connections. Returns once the server is listening.
    ///
    /// The configuration is checked first (``ServerConfiguration/validate()``): an invalid
    /// value throws a ``ConfigurationError`` saying what to change, before anything is bound.
    /// A server starts once: a second call throws ``ServerError/alreadyStarted`` before it
    /// binds anything or makes any event loop. If the bind fails, the error is thrown and
    /// the server is as it was before the call. If ``shutdown()`` is called while this
    /// binds, the server stops as soon as it listens, and this returns once it has stopped.
    public func start() async throws {
        try await start(adopting: nil)
    }

    /// ``start()``, adopting `given` (tests) or else the listener this process inherited
    /// (``InheritedListener``), or else binding ``ServerConfiguration/target``.
    func start(adopting given: InheritedListener?) async throws {
        try configuration.validate()
        try state.withLockedValue { state in
            guard case .idle = state.phase else { throw ServerError.alreadyStarted }
            state.phase = .starting(shutdownRequested: false)
        }
        var ownedGroup: MultiThreadedEventLoopGroup?
        let channel: any Channel
        do {
            let group: any EventLoopGroup
            if let providedGroup {
                group = providedGroup
            } else {
                let made = try ServerEventLoops.make(for: configuration)
                ownedGroup = made
                group = made
            }
            channel = try await bind(on: group, inherited: try given ?? InheritedListener.claim())
        } catch {
            if let ownedGroup { await ServerEventLoops.shutdown(ownedGroup) }
            let waiters: [CheckedContinuation<Void, Never>] = state.withLockedValue { state in
                guard case .starting(shutdownRequested: true) = state.phase else {
                    state.phase = .idle
                    return []
                }
                return state.stopped()
            }
            for waiter in waiters { waiter.resume() }
            throw error
        }
        let shutdownRequested = state.withLockedValue { state in
            guard case .starting(let shutdownRequested) = state.phase else {
                preconditionFailure("Server: the phase left 'starting' while start() was binding")
            }
            state.phase = .running(channel, ownedGroup: ownedGroup)
            return shutdownRequested
        }
        configuration.logger.info("listening", metadata: ["address": "\(channel.localAddress?.description ?? configuration.target.description)"])
        if let link = link.withLockedValue({ $0 }) {
            link.start(
                statistics: { [self] in .statistics(requests: requestsServedNow(), connections: connectionCount) },
                supervisorGone: { [self] in
                    configuration.logger.warning("the supervisor is gone; shutting down")
                    Task { await self.shutdown() }
                }
            )
        }
        if shutdownRequested { await shutdown() }
    }

    /// Requests dispatched since the server started, over all its event loops.
    public func requestsServed() async -> Int {
        var total = 0
        for count in requestCounts() { total += (try? await count.get()) ?? 0 }
        return total
    }

    /// ``requestsServed()`` for a thread that may block (the worker's control thread).
    private func requestsServedNow() -> Int {
        requestCounts().reduce(0) { total, count in total + ((try? count.wait()) ?? 0) }
    }

    /// Each loop's count, read on its loop (the counter is not atomic).
    private func requestCounts() -> [EventLoopFuture<Int>] {
        loops.withLockedValue { $0 }.map { resources in resources.executor.loop.submit { resources.requestsServed } }
    }

    /// Binds the listening socket on `group` (or adopts the `inherited` one), with Pronto's
    /// connection handler on every accepted channel.
    private func bind(on group: any EventLoopGroup, inherited: InheritedListener?) async throws -> any Channel {
        let settings = HTTPConnectionHandler.Settings(configuration)
        let handler = self.handler
        var loops: [ObjectIdentifier: LoopResources] = [:]
        for loop in group.makeIterator() { loops[ObjectIdentifier(loop)] = LoopResources(loop: loop) }
        self.loops.withLockedValue { $0 = Array(loops.values) }
        let logger = configuration.logger
        let registry = self.registry
        let maxConnections = configuration.maxConnections
        let pipeline = configuration.connectionPipeline
        let shared = HTTPConnectionHandler.Shared(
            settings: settings, handler: handler, logger: logger
        )
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptLimiter(
                        maxConnections: maxConnections, logger: logger, registry: registry
                    ))
                }
            }
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.socket(SocketOptionLevel(SOL_SOCKET), SO_REUSEPORT), value: configuration.reusePort ? 1 : 0)
            // Accept many connections per wake-up: a burst of clients is taken in one go.
            .serverChannelOption(.maxMessagesPerRead, value: 256)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // NIO keeps each connection's last receive buffer for the next read: start it at
            // 512 bytes (a request or two) instead of 2 KiB, so an idle connection stays
            // small; it doubles at once for a client that sends more (pipelining).
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536))
            .childChannelInitializer { [loops, configuration] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let resources = loops[ObjectIdentifier(channel.eventLoop)] else {
                        throw ServerError.foreignEventLoop
                    }
                    if let pipeline {
                        try pipeline.configure(channel, serving: ConnectionServing(
                            shared: shared, configuration: configuration, resources: resources, registry: registry
                        ))
                    } else {
                        try HTTPConnectionHandler.install(on: channel, shared: shared, resources: resources, registry: registry)
                    }
                }
            }
        if let inherited {
            if ListeningSocket.isTCP(inherited.listener) {
                bootstrap = bootstrap.childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            }
            let channel = try await bootstrap.withBoundSocket(inherited.listener).get()
            if case .worker(_, _, let control) = inherited { link.withLockedValue { $0 = WorkerLink(socket: control) } }
            return channel
        }
        switch configuration.target {
        case .tcp(let host, let port):
            bootstrap = bootstrap.childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            return try await bootstrap.bind(host: host, port: port).get()
        case .unixSocket(let path):
            return try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        }
    }

    /// Stops gracefully: stops accepting, lets in-flight requests finish (their responses
    /// say `Connection: close`), closes idle keep-alive connections, and closes whatever
    /// is left after ``ServerConfiguration/shutdownGracePeriod``. Returns when all is closed.
    /// Calling it again waits for the same shutdown; calling it while ``start()`` binds
    /// stops the server as soon as it listens.
    public func shutdown() async {
        enum Action { case stop(any Channel, MultiThreadedEventLoopGroup?), wait, stopped }
        let action: Action = state.withLockedValue { state in
            switch state.phase {
            case .idle:
                return .stopped
            case .starting:
                state.phase = .starting(shutdownRequested: true)
                return .wait
            case .running(let channel, let ownedGroup):
                state.phase = .stopping
                return .stop(channel, ownedGroup)
            case .stopping, .stopped:
                return .wait
            }
        }
        switch action {
        case .stopped:
            finishStopping()
        case .wait:
            await waitUntilStopped()
        case .stop(let channel, let ownedGroup):
            try? await channel.close()
            registry.quiesceAll()
            let registry = self.registry
            let deadline = channel.eventLoop.scheduleTask(in: configuration.shutdownGracePeriod) {
                registry.closeAll()
            }
            await registry.waitUntilEmpty()
            deadline.cancel()
            if let ownedGroup { await ServerEventLoops.shutdown(ownedGroup) }
            link.withLockedValue { $0 }?.stop()
            configuration.logger.info("stopped")
            finishStopping()
        }
    }

    private func finishStopping() {
        let waiters = state.withLockedValue { $0.stopped() }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until a shutdown (by ``shutdown()`` or a signal) has completed.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = state.withLockedValue { state in
                if case .stopped = state.phase { return true }
                state.waiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    /// Starts, then serves until SIGINT or SIGTERM (or ``shutdown()``), and stops gracefully.
    /// With ``ServerConfiguration/workers`` set, this process supervises that many worker
    /// processes instead (see ``Supervisor``), each of which serves.
    public func run() async throws {
        if try await Supervisor.runIfConfigured(configuration) { return }
        try await start()
        await waitUntilStopped(stoppingOnSignals: true)
    }

    /// Waits until the server has stopped; with `stoppingOnSignals`, SIGINT and SIGTERM start
    /// a graceful shutdown meanwhile (instead of killing the process). The signals are
    /// watched through swift-service-lifecycle's `UnixSignalsSequence`; when this returns,
    /// they act as they did before it was called.
    public func waitUntilStopped(stoppingOnSignals: Bool) async {
        guard stoppingOnSignals else { return await waitUntilStopped() }
        await SignalWatcher.watching([.sigint, .sigterm], onSignal: { [self] signal in
            configuration.logger.info("signal received, shutting down", metadata: ["signal": "\(signal)"])
            Task { await self.shutdown() }
        }, while: {
            await waitUntilStopped()
        })
    }
}

/// Errors of starting a server.
public enum ServerError: Error, CustomStringConvertible {
    /// ``Server/start()`` was called a second time (or after ``Server/shutdown()``).
    case alreadyStarted
    /// A connection was accepted on an event loop the server was not given.
    case foreignEventLoop

    /// What went wrong and what to do instead.
    public var description: String {
        switch self {
        case .alreadyStarted:
            "Server.start() was called on a server that was already started (or shut down); a Server serves once: create a new Server to serve again"
        case .foreignEventLoop: "a connection landed on an event loop the server does not own"
        }
    }
}
