import Logging
import NIOCore

extension HTTPConnectionHandler {
    /// The connection's limits and timeouts, from the server's configuration.
    struct Settings {
        var limits: HTTPLimits
        var idleTimeout: TimeAmount
        var requestHeadTimeout: TimeAmount
        var maxPipelinedRequests: Int
        var shutdownLinger: TimeAmount = .zero
        var minimumBodyRate: MinimumDataRate?
        var writeTimeout: TimeAmount = .zero
        /// Large files go out with `sendfile`; false when a handler transforms the output
        /// (TLS), which `sendfile` would bypass: they are streamed then.
        var usesSendfile = true

        init(limits: HTTPLimits, idleTimeout: TimeAmount, requestHeadTimeout: TimeAmount, maxPipelinedRequests: Int) {
            self.limits = limits
            self.idleTimeout = idleTimeout
            self.requestHeadTimeout = requestHeadTimeout
            self.maxPipelinedRequests = maxPipelinedRequests
        }

        init(_ configuration: ServerConfiguration) {
            self.init(
                limits: configuration.limits, idleTimeout: configuration.idleTimeout,
                requestHeadTimeout: configuration.requestHeadTimeout, maxPipelinedRequests: configuration.maxPipelinedRequests
            )
            shutdownLinger = configuration.shutdownLinger
            minimumBodyRate = configuration.minimumRequestBodyRate
            writeTimeout = configuration.writeTimeout
            usesSendfile = !(configuration.connectionPipeline?.transformsOutput ?? false)
        }
    }

    /// What every connection of one server shares: kept once, not copied into each of
    /// 10,000 idle connections (about 230 bytes apiece).
    final class Shared: Sendable {
        let settings: Settings
        let handler: HTTPHandler
        let logger: Logger
        /// The settings' timeouts as the connection state machine counts them.
        let timeouts: ConnectionStateMachine.SharedTimeouts

        init(settings: Settings, handler: HTTPHandler, logger: Logger) {
            self.settings = settings
            self.handler = handler
            self.logger = logger
            self.timeouts = .init(.init(
                idle: settings.idleTimeout.nanosecondsClamped, requestHead: settings.requestHeadTimeout.nanosecondsClamped,
                shutdownLinger: settings.shutdownLinger.nanosecondsClamped,
                bodyBytesPerSecond: UInt64(max(0, settings.minimumBodyRate?.bytesPerSecond ?? 0)),
                bodyRateGrace: settings.minimumBodyRate?.gracePeriod.nanosecondsClamped ?? 0,
                write: settings.writeTimeout.nanosecondsClamped
            ))
        }
    }
}

extension HTTPConnectionHandler {
    /// Adds a connection handler at the end of `channel`'s pipeline and tells the registry
    /// it is in place (a connection accepted while the server stops is stopped too).
    static func install(on channel: any Channel, shared: Shared, resources: LoopResources, registry: ConnectionRegistry?) throws {
        try channel.pipeline.syncOperations.addHandler(HTTPConnectionHandler(shared: shared, resources: resources))
        registry?.connectionReady(channel)
    }
}
