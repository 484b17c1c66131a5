import NIOCore

/// What every request of one connection shares; one reference per request instead of one
/// per field.
///
/// Only the peer's address is the connection's own: the loop, the allocator and the task
/// executor are the same for every connection of a loop, so they live in one `Loop`
/// object per loop and an idle connection's info costs 48 bytes, not 96.
public final class ConnectionInfo: Sendable {
    /// The facts shared by the connections of one event loop.
    package final class Loop: Sendable {
        let eventLoop: any EventLoop
        let allocator: ByteBufferAllocator
        let taskExecutor: EventLoopTaskExecutor?

        package init(eventLoop: any EventLoop, allocator: ByteBufferAllocator, taskExecutor: EventLoopTaskExecutor?) {
            self.eventLoop = eventLoop
            self.allocator = allocator
            self.taskExecutor = taskExecutor
        }
    }

    /// The peer's address, when the transport has one.
    public let remoteAddress: SocketAddress?
    private let loop: Loop

    /// The event loop the connection lives on; its requests' async handlers run there.
    public var eventLoop: any EventLoop { loop.eventLoop }
    /// The channel's allocator, for buffers a handler makes.
    public var allocator: ByteBufferAllocator { loop.allocator }

    /// The task executor the engine runs this loop's async handlers on, for work that
    /// outlives a request on the same loop (a WebSocket's handler). Nil in a hand-made
    /// request.
    package var taskExecutor: EventLoopTaskExecutor? { loop.taskExecutor }

    /// Connection facts as the engine makes them (or a test, for a hand-made request).
    public init(remoteAddress: SocketAddress?, eventLoop: any EventLoop, allocator: ByteBufferAllocator) {
        self.remoteAddress = remoteAddress
        self.loop = Loop(eventLoop: eventLoop, allocator: allocator, taskExecutor: nil)
    }

    /// A connection of the engine's: its loop's shared facts and its own address.
    package init(remoteAddress: SocketAddress?, loop: Loop) {
        self.remoteAddress = remoteAddress
        self.loop = loop
    }
}
