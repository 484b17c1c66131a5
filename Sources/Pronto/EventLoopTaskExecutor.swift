import NIOCore

/// A Swift `TaskExecutor` that runs jobs on one NIO event loop.
///
/// Async handlers run in tasks that prefer this executor, so they start, and resume after
/// any `await` on a nonisolated function or a NIO future, on the connection's own thread:
/// no hop to the global concurrent pool and back. `EventLoop.enqueue(_:)` schedules the
/// job itself, without wrapping it in a closure.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable: `loop` is immutable and event loops are thread-safe.
    public let loop: any EventLoop

    public init(_ loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueue(job)
    }
}
