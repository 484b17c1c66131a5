import NIOCore

/// What speaks on each accepted connection before Pronto's HTTP/1.1 handler, or instead of
/// it: TLS, HTTP/2. Set it as ``ServerConfiguration/connectionPipeline``; the products that
/// provide one (ProntoHTTP2's `HTTP2Pipeline`, ProntoTLS's `TLSPipeline`) keep their heavy
/// dependencies out of the engine.
///
/// Without one, every connection gets Pronto's HTTP/1.1 handler alone, as before.
public protocol ConnectionPipeline: Sendable {
    /// Whether the bytes leave through a handler that transforms them (TLS). Files are then
    /// read and written as a stream instead of being sent with `sendfile`, which would
    /// bypass the encryption.
    var transformsOutput: Bool { get }

    /// Sets up an accepted connection's pipeline. Called on the channel's event loop, once
    /// per connection, before it is active; add handlers with the pipeline's synchronous
    /// operations, and call `serving.addHTTP1Handler(to:)` where Pronto's HTTP/1.1 handler
    /// belongs, now or once a negotiation (ALPN) has chosen HTTP/1.1.
    func configure(_ channel: any Channel, serving: ConnectionServing) throws
}

/// What a ``ConnectionPipeline`` is given to serve a connection: the server's handler and
/// configuration, and Pronto's HTTP/1.1 handler to add.
public struct ConnectionServing: Sendable {
    /// The server's handler, for a protocol that dispatches requests itself (HTTP/2).
    public let handler: HTTPHandler
    /// The server's configuration.
    public let configuration: ServerConfiguration
    let shared: HTTPConnectionHandler.Shared
    /// The loop's shared resources (the task executor async handlers run on, the count of
    /// requests served).
    package let resources: LoopResources
    let registry: ConnectionRegistry?

    init(shared: HTTPConnectionHandler.Shared, configuration: ServerConfiguration, resources: LoopResources, registry: ConnectionRegistry?) {
        self.handler = shared.handler
        self.configuration = configuration
        self.shared = shared
        self.resources = resources
        self.registry = registry
    }

    /// Adds Pronto's HTTP/1.1 connection handler at the end of `channel`'s pipeline. Call it
    /// on the channel's event loop.
    public func addHTTP1Handler(to channel: any Channel) throws {
        try HTTPConnectionHandler.install(on: channel, shared: shared, resources: resources, registry: registry)
    }

    /// Tells the server that the connection's protocol handler is in place (Pronto's
    /// HTTP/1.1 handler does it itself): a connection that finished its negotiation while
    /// the server was stopping is told to stop too (`ChannelShouldQuiesceEvent`).
    public func connectionReady(_ channel: any Channel) {
        registry?.connectionReady(channel)
    }

    /// Facts shared by the requests of `channel`'s connection (its peer's address, its
    /// loop's allocator and executor).
    package func connectionInfo(for channel: any Channel) -> ConnectionInfo {
        ConnectionInfo(remoteAddress: channel.remoteAddress ?? channel.parent?.remoteAddress, loop: resources.connectionLoop)
    }

    /// The task executor of the loop: async handlers run in tasks that prefer it.
    package var executor: EventLoopTaskExecutor { resources.executor }

    /// The loop's Date header cache.
    package var dateCache: DateCache { resources.dateCache }

    /// Counts a request dispatched on this loop (``Server/requestsServed()``). On the loop.
    package func countRequest() { resources.requestsServed &+= 1 }
}
