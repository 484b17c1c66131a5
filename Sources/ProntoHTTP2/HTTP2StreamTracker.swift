import NIOCore
import NIOHTTP2

/// Tells NIO's connection manager which streams are open, once each: the manager closes a
/// gracefully stopping connection when its last stream closes, and times out an idle one.
///
/// With the inline multiplexer, NIO reports a client's new stream to its stream delegate
/// only when the stream's channel already exists, which for an inbound stream it does not
/// yet: the manager saw no stream, and closed the connection at the second GOAWAY with a
/// response still owed. So each ``HTTP2StreamHandler`` reports its own stream as well; the
/// set makes a report NIO also makes harmless. Loop-confined.
final class HTTP2StreamTracker: NIOHTTP2StreamDelegate, @unchecked Sendable {
    private let manager: NIOHTTP2ServerConnectionManagementHandler.HTTP2StreamDelegate
    private let loop: any EventLoop
    private var open: Set<HTTP2StreamID> = []
    /// The highest stream the client opened (a GOAWAY's last stream ID).
    private(set) var lastStreamID = HTTP2StreamID(0)
    /// Called once when no stream is open (graceful shutdown).
    private var onEmpty: (() -> Void)?

    init(manager: NIOHTTP2ServerConnectionManagementHandler.HTTP2StreamDelegate, loop: any EventLoop) {
        self.manager = manager
        self.loop = loop
    }

    func streamCreated(_ id: HTTP2StreamID, channel: any Channel) {
        loop.preconditionInEventLoop()
        if open.insert(id).inserted {
            if id > lastStreamID { lastStreamID = id }
            manager.streamCreated(id, channel: channel)
        }
    }

    func streamClosed(_ id: HTTP2StreamID, channel: any Channel) {
        loop.preconditionInEventLoop()
        if open.remove(id) != nil {
            manager.streamClosed(id, channel: channel)
            if open.isEmpty, let onEmpty = onEmpty.take() { onEmpty() }
        }
    }

    /// Calls `body` once no stream is open: now, or when the last one closes.
    func whenEmpty(_ body: @escaping () -> Void) {
        loop.preconditionInEventLoop()
        if open.isEmpty { body() } else { onEmpty = body }
    }
}
