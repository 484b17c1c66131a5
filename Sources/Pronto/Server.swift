import Dispatch
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
    public let configuration: ServerConfiguration
    private let handler: HTTPHandler
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let loops: [ObjectIdentifier: LoopResources]
    private let registry = ConnectionRegistry()
    private let state = NIOLockedValueBox(State())

    private struct State {
        enum Phase {
            case idle
            case running(any Channel)
            case stopping
            case stopped
        }
        var phase = Phase.idle
        /// Callers of `waitUntilStopped`, resumed once the server has stopped.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// A server with `handler`. It runs on its own event loops
    /// (``ServerConfiguration/eventLoopThreads``) unless given `eventLoopGroup`.
    public init(configuration: ServerConfiguration = .init(), eventLoopGroup: (any EventLoopGroup)? = nil, handler: HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        if let eventLoopGroup {
            group = eventLoopGroup
            ownsGroup = false
        } else {
            group = ServerEventLoops.make(for: configuration)
            ownsGroup = true
        }
        var loops: [ObjectIdentifier: LoopResources] = [:]
        for loop in group.makeIterator() { loops[ObjectIdentifier(loop)] = LoopResources(loop: loop) }
        self.loops = loops
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
            if case .running(let channel) = state.phase { return channel.localAddress }
            return nil
        }
    }

    /// The TCP port the server listens on, once started.
    public var port: Int? { localAddress?.port }

    /// Open connections (for monitoring and tests).
    public var connectionCount: Int { registry.count }

    /// Binds and starts accepting connections. Returns once the server is listening.
    public func start() async throws {
        let settings = HTTPConnectionHandler.Settings(
            limits: configuration.limits, idleTimeout: configuration.idleTimeout,
            requestHeadTimeout: configuration.requestHeadTimeout,
            maxPipelinedRequests: max(1, configuration.maxPipelinedRequests)
        )
        let handler = self.handler
        let loops = self.loops
        let logger = configuration.logger
        let registry = self.registry
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.socket(SocketOptionLevel(SOL_SOCKET), SO_REUSEPORT), value: configuration.reusePort ? 1 : 0)
            // Accept many connections per wake-up: a burst of clients is taken in one go.
            .serverChannelOption(.maxMessagesPerRead, value: 256)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let resources = loops[ObjectIdentifier(channel.eventLoop)] else {
                        throw ServerError.foreignEventLoop
                    }
                    let connection = HTTPConnectionHandler(
                        settings: settings, handler: handler, resources: resources, logger: logger,
                        allocator: channel.allocator, onClose: { registry.remove($0) }
                    )
                    try channel.pipeline.syncOperations.addHandler(connection)
                    registry.add(channel)
                }
            }
        let channel: any Channel
        switch configuration.target {
        case .tcp(let host, let port):
            bootstrap = bootstrap.childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            channel = try await bootstrap.bind(host: host, port: port).get()
        case .unixSocket(let path):
            channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        }
        let started = state.withLockedValue { state in
            guard case .idle = state.phase else { return false }
            state.phase = .running(channel)
            return true
        }
        guard started else {
            try? await channel.close()
            throw ServerError.alreadyStarted
        }
        logger.info("listening", metadata: ["address": "\(channel.localAddress?.description ?? configuration.target.description)"])
    }

    /// Stops gracefully: stops accepting, lets in-flight requests finish (their responses
    /// say `Connection: close`), closes idle keep-alive connections, and closes whatever
    /// is left after ``ServerConfiguration/shutdownGracePeriod``. Returns when all is closed.
    /// Calling it again waits for the same shutdown.
    public func shutdown() async {
        enum Action { case stop(any Channel), wait, done }
        let action: Action = state.withLockedValue { state in
            switch state.phase {
            case .idle:
                state.phase = .stopping
                return .done
            case .running(let channel):
                state.phase = .stopping
                return .stop(channel)
            case .stopping, .stopped:
                return .wait
            }
        }
        switch action {
        case .done:
            await shutdownGroup()
            finishStopping()
        case .wait:
            await waitUntilStopped()
            return
        case .stop(let channel):
            try? await channel.close()
            registry.quiesceAll()
            let registry = self.registry
            let deadline = group.next().scheduleTask(in: configuration.shutdownGracePeriod) {
                registry.closeAll()
            }
            await registry.waitUntilEmpty()
            deadline.cancel()
            await shutdownGroup()
            configuration.logger.info("stopped")
            finishStopping()
        }
    }

    private func finishStopping() {
        let waiters = state.withLockedValue { state in
            state.phase = .stopped
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func shutdownGroup() async {
        guard ownsGroup else { return }
        await ServerEventLoops.shutdown(group)
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
    public func run() async throws {
        try await start()
        await waitUntilStopped(stoppingOnSignals: true)
    }

    /// Waits until the server has stopped; with `stoppingOnSignals`, SIGINT and SIGTERM start
    /// a graceful shutdown meanwhile (instead of killing the process).
    public func waitUntilStopped(stoppingOnSignals: Bool) async {
        guard stoppingOnSignals else { return await waitUntilStopped() }
        let watcher = SignalWatcher(signals: [SIGINT, SIGTERM]) { [self] signal in
            configuration.logger.info("signal received, shutting down", metadata: ["signal": "\(signal)"])
            Task.detached { await self.shutdown() }
        }
        await waitUntilStopped()
        watcher.cancel()
    }
}

/// Errors of starting a server.
public enum ServerError: Error, CustomStringConvertible {
    case alreadyStarted
    case foreignEventLoop

    public var description: String {
        switch self {
        case .alreadyStarted: "the server was already started; create a new Server to serve again"
        case .foreignEventLoop: "a connection landed on an event loop the server does not own"
        }
    }
}

/// Runs a handler when one of `signals` arrives, instead of the default action (exit).
final class SignalWatcher: @unchecked Sendable {
    // @unchecked: the sources are immutable after init, and DispatchSource is thread-safe.
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
