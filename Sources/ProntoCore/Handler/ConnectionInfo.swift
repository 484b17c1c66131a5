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

    /// The task executor the engine runs this loop's async handlers on, for work that
    /// outlives a request on the same loop (a WebSocket's handler). Nil in a hand-made
    /// request.
    package let taskExecutor: EventLoopTaskExecutor?

    /// Connection facts as the engine makes them (or a test, for a hand-made request).
    public init(remoteAddress: SocketAddress?, eventLoop: any EventLoop, allocator: ByteBufferAllocator) {
        self.remoteAddress = remoteAddress
        self.eventLoop = eventLoop
        self.allocator = allocator
        self.taskExecutor = nil
    }

    package init(remoteAddress: SocketAddress?, eventLoop: any EventLoop, allocator: ByteBufferAllocator, taskExecutor: EventLoopTaskExecutor) {
        self.remoteAddress = remoteAddress
        self.eventLoop = eventLoop
        self.allocator = allocator
        self.taskExecutor = taskExecutor
    }
}
