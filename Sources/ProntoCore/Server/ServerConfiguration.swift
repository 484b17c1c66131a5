import Logging
import NIOCore
import NIOPosix

/// Where a server listens.
public enum BindTarget: Sendable, Hashable, CustomStringConvertible {
    /// A TCP address; port 0 picks a free port (read it from ``Server/localAddress``).
    case tcp(host: String, port: Int)
    /// A UNIX domain socket path; an existing socket file there is replaced.
    case unixSocket(path: String)

    /// `host:port`, or `unix:path`.
    public var description: String {
        switch self {
        case .tcp(let host, let port): "\(host):\(port)"
        case .unixSocket(let path): "unix:\(path)"
        }
    }
}

/// Everything a ``Server`` can be told.
public struct ServerConfiguration: Sendable {
    /// Where to listen (default `127.0.0.1:8080`).
    public var target: BindTarget
    /// Event-loop threads (one per core by default). Each connection lives on one.
    public var eventLoopThreads: Int
    /// Sizes a request may not exceed (request line, header section, body), answered with
    /// 414, 431 or 413.
    public var limits: HTTPLimits
    /// How long a keep-alive connection may wait for its next request.
    public var idleTimeout: TimeAmount
    /// How long a client may take to send a complete request head once it has started
    /// (against slowloris), the longest pause while it sends a body, and how long a new
    /// connection may wait before its first request head is complete (one that sends nothing,
    /// or only blank lines, is closed then, not after the idle timeout).
    public var requestHeadTimeout: TimeAmount
    /// The slowest a client may send a request body, on average, once its grace period has
    /// passed (default 1 KiB/s after 10 s): a client trickling a body to hold a connection
    /// (slowloris on the body, `slowhttptest -B`) gets a 408 and is closed. nil: no minimum
    /// (``requestHeadTimeout`` still bounds each pause). A body a streaming handler is slow
    /// to consume is not the client's fault: its rate counts afresh after each such pause.
    public var minimumRequestBodyRate: MinimumDataRate?
    /// How long the server's output may stay blocked because the client does not read it
    /// (the socket's buffers and ``maxPipelinedRequests`` worth of responses are full)
    /// before the connection is closed (default 30 s): a slow reader (`slowhttptest -X`)
    /// cannot hold a connection and its buffered responses for ever. Any reading by the
    /// client that frees the output starts the count again.
    public var writeTimeout: TimeAmount
    /// Requests one connection may have in flight before the server stops reading from it.
    public var maxPipelinedRequests: Int
    /// How long a graceful shutdown waits for in-flight requests before closing everything.
    public var shutdownGracePeriod: TimeAmount
    /// How long an idle keep-alive connection still waits for a request once a graceful
    /// shutdown began (default 1 s; 0 closes idle connections at once). A client's request
    /// may be on the wire when the shutdown begins; closing then would cut it (the client
    /// sees a reset or an empty reply), so it is answered, with `Connection: close`, and
    /// then the connection closes. Bounded by ``shutdownGracePeriod``.
    public var shutdownLinger: TimeAmount
    /// Connections served at once (default ``defaultMaxConnections``, from the
    /// file-descriptor limit). At the limit the server stops accepting: new clients wait in
    /// the kernel's backlog, and are served as connections close. Without a limit, running
    /// out of descriptors would fail `accept` and every file the handlers open.
    public var maxConnections: Int
    /// Pending connections the kernel queues before `accept`.
    public var backlog: Int32
    /// Sets `SO_REUSEPORT` on the listening socket, so several processes (one per core,
    /// each with one event loop) can listen on the same TCP port and the kernel spreads
    /// new connections across them. See the Deployment guide.
    public var reusePort: Bool
    /// Worker processes to run the server in, under a supervisor (default 0: serve in this
    /// process). With 1 or more, ``Server/run()`` (and `App.run()`) runs the ``Supervisor``
    /// instead, which starts this many copies of the executable that share the listening
    /// socket, restarts one that dies, and replaces them on SIGHUP without refusing a
    /// connection. ``eventLoopThreads`` is then per worker (1 is usual: one worker per core).
    public var workers: Int
    /// A UNIX socket path where the supervisor answers status requests
    /// (``Supervisor/status(controlSocket:)``, hello's `--status`); nil: none (SIGUSR1 still
    /// logs the report).
    public var controlSocketPath: String?
    /// Development reload: with it, ``Server/run()`` supervises a worker (at least one),
    /// rebuilds when a source changes, and swaps the worker for one of the new build; a
    /// failed build is served as a 503 page with the compiler's output. nil (the default):
    /// no reload. See ``ReloadConfiguration/forRunningExecutable()``.
    public var reload: ReloadConfiguration?
    /// Where the server and its connections log (starts, stops, handler errors).
    public var logger: Logger
    /// What speaks on each connection before (or instead of) Pronto's HTTP/1.1 handler:
    /// TLS (ProntoTLS) or HTTP/2 (ProntoHTTP2). nil (the default): plain HTTP/1.1.
    public var connectionPipeline: (any ConnectionPipeline)? = nil

    /// A configuration; every argument has the default described on its property.
    public init(
        target: BindTarget = .tcp(host: "127.0.0.1", port: 8080),
        eventLoopThreads: Int = System.coreCount,
        limits: HTTPLimits = .default,
        idleTimeout: TimeAmount = .seconds(60),
        requestHeadTimeout: TimeAmount = .seconds(10),
        minimumRequestBodyRate: MinimumDataRate? = MinimumDataRate(bytesPerSecond: 1024, gracePeriod: .seconds(10)),
        writeTimeout: TimeAmount = .seconds(30),
        maxPipelinedRequests: Int = 128,
        shutdownGracePeriod: TimeAmount = .seconds(10),
        shutdownLinger: TimeAmount = .seconds(1),
        maxConnections: Int = ServerConfiguration.defaultMaxConnections,
        backlog: Int32 = 4096,
        reusePort: Bool = false,
        workers: Int = 0,
        controlSocketPath: String? = nil,
        reload: ReloadConfiguration? = nil,
        logger: Logger = Logger(label: "pronto")
    ) {
        self.target = target
        self.eventLoopThreads = eventLoopThreads
        self.limits = limits
        self.idleTimeout = idleTimeout
        self.requestHeadTimeout = requestHeadTimeout
        self.minimumRequestBodyRate = minimumRequestBodyRate
        self.writeTimeout = writeTimeout
        self.maxPipelinedRequests = maxPipelinedRequests
        self.shutdownGracePeriod = shutdownGracePeriod
        self.shutdownLinger = shutdownLinger
        self.maxConnections = maxConnections
        self.backlog = backlog
        self.reusePort = reusePort
        self.workers = workers
        self.controlSocketPath = controlSocketPath
        self.reload = reload
        self.logger = logger
    }
}
