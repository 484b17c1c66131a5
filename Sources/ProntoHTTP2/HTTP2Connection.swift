import Logging
import NIOCore
import NIOHTTP2
import ProntoCore

/// Sets up a channel to speak HTTP/2 with the server's handler: NIO's HTTP/2 codec and
/// stream multiplexer, its connection manager (idle timeout, maximum age, graceful
/// shutdown with GOAWAY), and one `HTTP2StreamHandler` per stream.
public enum HTTP2Connection {
    /// Adds the HTTP/2 handlers at the end of `channel`'s pipeline (on its loop). The
    /// channel's next bytes must be the client's connection preface.
    public static func configure(_ channel: any Channel, serving: ConnectionServing, configuration: HTTP2Configuration) throws {
        let server = serving.configuration
        let management = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(
                maxIdleTime: server.idleTimeout,
                maxAge: configuration.maxConnectionAge,
                maxGraceTime: server.shutdownGracePeriod,
                keepalive: configuration.keepAlivePing.map { .init(pingInterval: $0.interval, ackTimeout: $0.timeout) }
            )
        )
        let tracker = HTTP2StreamTracker(manager: management.http2StreamDelegate, loop: channel.eventLoop)
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: configuration.maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: configuration.maxHeaderListSize ?? server.limits.maxHeaderSectionSize),
            HTTP2Setting(parameter: .maxFrameSize, value: configuration.maxFrameSize),
            HTTP2Setting(parameter: .initialWindowSize, value: configuration.streamWindowSize),
        ]
        connection.maximumSequentialContinuationFrames = configuration.maxContinuationFrames
        connection.targetWindowSize = configuration.connectionWindowSize
        var stream = NIOHTTP2Handler.StreamConfiguration()
        stream.targetWindowSize = configuration.streamWindowSize
        stream.outboundBufferSizeHighWatermark = configuration.streamWriteBufferSize
        stream.outboundBufferSizeLowWatermark = configuration.streamWriteBufferSize / 2
        stream.streamResetFrameRateLimit.maximumCount = configuration.maxResetsPerWindow
        stream.streamResetFrameRateLimit.windowLength = configuration.resetWindow
        let http2 = NIOHTTP2Handler(
            mode: .server, eventLoop: channel.eventLoop,
            connectionConfiguration: connection, streamConfiguration: stream,
            streamDelegate: tracker
        ) { [date = NIOLoopBound(HTTP2DateHeader(cache: serving.dateCache), eventLoop: channel.eventLoop)] streamChannel in
            streamChannel.eventLoop.makeCompletedFuture {
                try streamChannel.pipeline.syncOperations.addHandler(HTTP2StreamHandler(serving: serving, date: date.value, tracker: tracker))
            }
        }
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(http2)
        // Before the manager: the server's quiesce event is handled here (see HTTP2GracefulClose).
        try operations.addHandler(HTTP2GracefulClose(tracker: tracker, gracePeriod: server.shutdownGracePeriod))
        try operations.addHandler(management)
        try operations.addHandler(HTTP2ConnectionErrorHandler(logger: server.logger))
        serving.connectionReady(channel)
    }
}

/// Closes an HTTP/2 connection on a connection error (NIO has sent GOAWAY with its code):
/// a client that breaks the protocol, floods resets or CONTINUATION frames.
final class HTTP2ConnectionErrorHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("HTTP/2 connection error; closing", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
