import NIOCore

/// A Swift `TaskExecutor` that runs jobs on one NIO event loop.
///
/// Async handlers run in tasks that prefer this executor, so they start, and resume after
/// any `await` on a nonisolated function or a NIO future, on the connection's own thread:
/// no hop to the global concurrent pool and back. `EventLoop.enqueue(_:)` schedules the
/// job itself, without wrapping it in a closure.
///
/// It can also run one job *inline* (see `runInline(_:)`): the engine resumes a parked
/// handler task from inside the connection's read callback and the task runs at once, on
/// this stack, until it suspends. An async handler that never suspends then costs what a
/// synchronous one does: no enqueue, no loop tick, no allocation.
///
/// Jobs enqueued on the loop's own thread (a handler resuming after `Task.yield()`, or after
/// a future of this loop completed) wait in a queue of this executor's, drained by one NIO
/// task per loop tick, instead of one NIO task each: NIO's task queue takes a lock and
/// allocates per task, a cost every suspended handler paid. Jobs from other threads go
/// through `EventLoop.enqueue(_:)`, which is thread-safe.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable: `loop` is immutable and event loops are thread-safe; every stored var is
    // read and written only on `loop`'s thread (enqueue checks `inEventLoop` first).
    /// The event loop the jobs run on.
    public let loop: any EventLoop
    @exclusivity(unchecked) private var runsNextJobInline = false
    /// Jobs enqueued on the loop's thread, run by the next `drain`.
    @exclusivity(unchecked) private var queued: CircularBuffer<UnownedJob> = CircularBuffer(initialCapacity: 64)
    @exclusivity(unchecked) private var drainScheduled = false
    /// Made once: scheduling it allocates no closure context per tick. It holds the
    /// executor, so an executor that ever queued a job lives until its loop ends: make one
    /// per loop (the engine does), not one per connection.
    @exclusivity(unchecked) private var drainTask: (@Sendable () -> Void)?

    /// An executor for the jobs of tasks that prefer `loop`.
    public init(_ loop: any EventLoop) {
        self.loop = loop
    }

    /// True on the loop outside any task: where a job may run inline.
    package var canRunInline: Bool {
        loop.inEventLoop && withUnsafeCurrentTask(body: { $0 == nil })
    }

    /// Runs `job` on the loop: inline when asked (`runInline(_:)`), else queued.
    public func enqueue(_ job: consuming ExecutorJob) {
        guard loop.inEventLoop else { return loop.enqueue(job) }
        if runsNextJobInline {
            runsNextJobInline = false
            job.runSynchronously(on: asUnownedTaskExecutor())
            return
        }
        queued.append(UnownedJob(job))
        if !drainScheduled {
            drainScheduled = true
            if drainTask == nil {
                let executor = NIOLoopBound(self, eventLoop: loop)
                drainTask = { executor.value.drain() }
            }
            loop.execute(drainTask!)
        }
    }

    /// Runs the jobs queued so far. Jobs they enqueue wait for the next tick, so a task that
    /// keeps yielding cannot starve the loop's I/O.
    private func drain() {
        drainScheduled = false
        var count = queued.count
        while count > 0, let job = queued.popFirst() {
            count -= 1
            job.runSynchronously(on: asUnownedTaskExecutor())
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
    package func runInline(_ body: () -> Void) {
        guard canRunInline else { return body() }
        runsNextJobInline = true
        body()
        runsNextJobInline = false
    }
}
