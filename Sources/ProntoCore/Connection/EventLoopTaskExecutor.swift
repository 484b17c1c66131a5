import NIOCore

/// A Swift `TaskExecutor` that runs jobs on one NIO event loop.
///
/// Async handlers run in tasks that prefer this executor, so they start, and resume after
/// any `await` on a nonisolated function or a NIO future, on the connection's own thread:
/// no hop to the global concurrent pool and back. `EventLoop.enqueue(_:)` schedules the
/// job itself, without wrapping it in a closure.
///
/// It can also run one job *inline* (see ``runInline(_:)``): the engine resumes a parked
/// handler task from inside the connection's read callback and the task runs at once, on
/// this stack, until it suspends. An async handler that never suspends then costs what a
/// synchronous one does: no enqueue, no loop tick, no allocation.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable: `loop` is immutable and event loops are thread-safe; `runsNextJobInline`
    // is read and written only on `loop`'s thread (enqueue checks `inEventLoop` first).
    public let loop: any EventLoop
    @exclusivity(unchecked) private var runsNextJobInline = false

    public init(_ loop: any EventLoop) {
        self.loop = loop
    }

    /// True on the loop outside any task: where a job may run inline.
    var canRunInline: Bool {
        loop.inEventLoop && withUnsafeCurrentTask(body: { $0 == nil })
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        if loop.inEventLoop, runsNextJobInline {
            runsNextJobInline = false
            job.runSynchronously(on: asUnownedTaskExecutor())
        } else {
            loop.enqueue(job)
        }
    }

    /// Calls `body` so that the first job it enqueues here (a resumed continuation of a task
    /// that prefers this executor) runs synchronously before `body` returns. Any later job,
    /// such as the same task resuming after a real suspension, is enqueued on the loop as
    /// usual.
    ///
    /// Only on the loop, and only outside any task: a job run inline must not nest inside
    /// another task's job on this thread. Elsewhere `body` runs and its job is enqueued.
    @inline(__always)
    func runInline(_ body: () -> Void) {
        guard canRunInline else { return body() }
        runsNextJobInline = true
        body()
        runsNextJobInline = false
    }
}
