import NIOCore

/// Per-event-loop state shared by the connections of one loop: the Date cache and the
/// task executor async handlers run on, the count of requests served. Touched only on its
/// own loop.
package final class LoopResources: @unchecked Sendable {
    // @unchecked Sendable: handed to channel initialisers across threads, but every
    // mutable member (the DateCache, the count) is used only on `executor.loop`.
    package let dateCache: DateCache
    /// The same cache for the hot path: every response and every read uses it, and a
    /// strong load of `dateCache` cost a retain and a release each time (uprobes). It
    /// lives as long as this object (`dateCache` holds it).
    let unmanagedDateCache: Unmanaged<DateCache>

    /// Calls `body` with the Date cache, without reference counting.
    @inline(__always)
    func withDateCache<R>(_ body: (DateCache) throws -> R) rethrows -> R {
        try unmanagedDateCache._withUnsafeGuaranteedRef(body)
    }
    package let executor: EventLoopTaskExecutor
    /// What the connections of this loop tell their requests besides their address.
    let connectionLoop: ConnectionInfo.Loop
    /// What a request learns of a connection that has no address yet (before it became
    /// active): one per loop, so that a connection's info is never optional on the hot path.
    let addresslessConnection: ConnectionInfo
    /// Requests dispatched on this loop: one add per request on the loop's own thread (no
    /// atomic, no shared cache line); read on the loop when asked (``Server/requestsServed()``).
    /// Loop-only, so the dynamic exclusivity check could never fire: unchecked.
    @exclusivity(unchecked) package var requestsServed = 0
    /// An empty buffer shared by the loop's connections for their idle buffers. Never
    /// written in place: it is always referenced here too, so a write copies it first.
    let emptyBuffer = ByteBufferAllocator().buffer(capacity: 0)
    /// The same for the ring of responses owed: a connection holds this one until its first
    /// response that waits (async or pipelined behind one), whose append copies it.
    let emptyPendingRing = CircularBuffer<HTTPConnectionHandler.Pending>(initialCapacity: HTTPConnectionHandler.pendingInitialCapacity)

    init(loop: any EventLoop) {
        dateCache = DateCache()
        unmanagedDateCache = Unmanaged.passUnretained(dateCache)
        executor = EventLoopTaskExecutor(loop)
        // Pronto sets no allocator option: every channel has the default allocator.
        connectionLoop = ConnectionInfo.Loop(eventLoop: loop, allocator: ByteBufferAllocator(), taskExecutor: executor)
        addresslessConnection = ConnectionInfo(remoteAddress: nil, loop: connectionLoop)
    }
}
