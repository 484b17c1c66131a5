import NIOCore

/// Installs Pronto's HTTP/1.1 connection handling on a channel you made yourself:
/// an `EmbeddedChannel` in tests (see ProntoTesting), or a bootstrap of your own.
public enum ServerConnection {
    /// Adds the connection handler to `channel`'s pipeline. Call it on the channel's event loop.
    ///
    /// - Throws: ``ConfigurationError`` when the configuration is invalid
    ///   (``ServerConfiguration/validate()``), or the pipeline's error.
    public static func configure(_ channel: any Channel, configuration: ServerConfiguration = .init(), handler: HTTPHandler) throws {
        try configuration.validate()
        let settings = HTTPConnectionHandler.Settings(configuration)
        let connection = HTTPConnectionHandler(
            settings: settings, handler: handler, resources: LoopResources(loop: channel.eventLoop),
            logger: configuration.logger, allocator: channel.allocator
        )
        try channel.pipeline.syncOperations.addHandler(connection)
    }

    /// Asks the connection to finish its in-flight requests and close (graceful shutdown).
    /// It sends NIO's `ChannelShouldQuiesceEvent`, which the connection handler obeys from
    /// any sender (a `ServerQuiescingHelper` of your own bootstrap, say).
    public static func quiesce(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
