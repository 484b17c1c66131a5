import NIOCore
import NIOHTTP2

/// Graceful shutdown of an HTTP/2 connection: on the server's `ChannelShouldQuiesceEvent`,
/// one GOAWAY naming the last stream the client opened (RFC 9113 §6.8: those streams are
/// answered, later ones are not processed), then the connection closes once its last stream
/// has closed (one loop tick later, after the final frames are flushed), or at the server's
/// grace period.
///
/// Pronto does this itself rather than through NIO's connection manager, whose two-step
/// GOAWAY (with a PING round trip) lost the answer of a stream in flight with the inline
/// multiplexer: the stream's HEADERS write failed as on a closed channel.
final class HTTP2GracefulClose: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let tracker: HTTP2StreamTracker
    private let gracePeriod: TimeAmount
    private var closing = false
    private var deadline: Scheduled<Void>?

    init(tracker: HTTP2StreamTracker, gracePeriod: TimeAmount) {
        self.tracker = tracker
        self.gracePeriod = gracePeriod
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        guard !closing else { return }
        closing = true
        let goAway = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: tracker.lastStreamID, errorCode: .noError, opaqueData: nil))
        context.writeAndFlush(wrapOutboundOut(goAway), promise: nil)
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: gracePeriod) { channel.close(promise: nil) }
        tracker.whenEmpty { [deadline] in
            deadline?.cancel()
            // A tick later: the last stream's final frames are flushed first.
            channel.eventLoop.execute { channel.close(promise: nil) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }
}
