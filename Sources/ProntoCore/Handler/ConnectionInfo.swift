import NIOCore

/// What every request of one connection shares; one reference per request instead of one
/// per field.
public final class ConnectionInfo: Sendable {
    /// The peer's address, when the transport has one.
    public let remoteAddress: SocketAddress?
    /// The event loop the connection lives on; its requests' async handlers run there.
    public let eventLoop: any EventLoop
    /// The channel's allocator, for buffers a handler makes.
    public let allocator: ByteBufferAllocator

    /// Connection facts as the engine makes them (or a test, for a hand-made request).
    public init(remoteAddress: SocketAddress?, eventLoop: any EventLoop, allocator: ByteBufferAllocator) {
        self.remoteAddress = remoteAddress
        self.eventLoop = eventLoop
        self.allocator = allocator
    }
}
