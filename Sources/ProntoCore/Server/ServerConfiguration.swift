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
    /// Requests one connection may have in flight before the server stops reading from it.
    public var maxPipelinedRequests: Int
    /// How long a graceful shutdown waits for in-flight requests before closing everything.
    public var shutdownGracePeriod: TimeAmount
    /// Pending connections the kernel queues before `accept`.
    public var backlog: Int32
    /// Sets `SO_REUSEPORT` on the listening socket, so several processes (one per core,
    /// each with one event loop) can listen on the same TCP port and the kernel spreads
    /// new connections across them. See the Deployment guide.
    public var reusePort: Bool
    /// Where the server and its connections log (starts, stops, handler errors).
    public var logger: Logger

    /// A configuration; every argument has the default described on its property.
    public init(
        target: BindTarget = .tcp(host: "127.0.0.1", port: 8080),
        eventLoopThreads: Int = System.coreCount,
        limits: HTTPLimits = .default,
        idleTimeout: TimeAmount = .seconds(60),
        requestHeadTimeout: TimeAmount = .seconds(10),
        maxPipelinedRequests: Int = 128,
        shutdownGracePeriod: TimeAmount = .seconds(10),
        backlog: Int32 = 4096,
        reusePort: Bool = false,
        logger: Logger = Logger(label: "pronto")
    ) {
        self.target = target
        self.eventLoopThreads = eventLoopThreads
        self.limits = limits
        self.idleTimeout = idleTimeout
        self.requestHeadTimeout = requestHeadTimeout
        self.maxPipelinedRequests = maxPipelinedRequests
        self.shutdownGracePeriod = shutdownGracePeriod
        self.backlog = backlog
        self.reusePort = reusePort
        self.logger = logger
    }
}
