import NIOCore

/// Per-event-loop state shared by the connections of one loop: the Date cache and the
/// task executor async handlers run on. Touched only on its own loop.
final class LoopResources: @unchecked Sendable {
    // @unchecked Sendable: handed to channel initialisers across threads, but every
    // mutable member (the DateCache) is used only on `executor.loop`.
    let dateCache: DateCache
    let executor: EventLoopTaskExecutor

    init(loop: any EventLoop) {
        dateCache = DateCache()
        executor = EventLoopTaskExecutor(loop)
    }
}
