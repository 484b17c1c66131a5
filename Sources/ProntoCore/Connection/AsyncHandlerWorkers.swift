import Logging
import NIOCore

/// Runs a connection's async handlers in long-lived tasks on the connection's event loop,
/// instead of one new task per request.
///
/// A task per request costs ~3 µs here (task and context allocations, the task-executor
/// preference record and its lock, the enqueue). The workers are created on demand, one
/// per request in flight at a time, and kept: a finished worker parks itself, and the next
/// request resumes it. The resume runs the worker *inline*
/// (``EventLoopTaskExecutor/runInline(_:)``): a handler that does not suspend has answered
/// when ``submit(_:)`` returns, with no allocation and no trip through the loop's queue. One
/// that suspends resumes on the loop later, and every request has a worker of its own while
/// it runs, so a slow handler never holds back the others. The number of workers is bounded
/// by the most async requests the connection has had in flight at once (at most
/// ``ServerConfiguration/maxPipelinedRequests``).
///
/// Loop-confined: every member is touched only on `loop` (the tasks prefer the loop's
/// executor, so they run there too); hence `@unchecked Sendable`.
final class AsyncHandlerWorkers: @unchecked Sendable {
    struct Job {
        let respond: AsyncResponder
        let request: Request
        let sequence: UInt64
    }

    private let loop: any EventLoop
    private let executor: EventLoopTaskExecutor
    private let logger: Logger
    /// Called on the loop with each finished response and its request.
    private let complete: (UInt64, Response, Request) -> Void
    /// Takes the connection's next async request from its input, if one is there (see
    /// ``work(first:)``); nil when the input holds no more, or holds only sync ones.
    private let takeNext: () -> Job?

    /// Parked workers, waiting for a job (nil ends them).
    @exclusivity(unchecked) private var idle: [UnsafeContinuation<Job?, Never>] = []
    /// Every worker started, to cancel them when the connection goes away.
    @exclusivity(unchecked) private var tasks: [Task<Void, Never>] = []
    @exclusivity(unchecked) private var finished = false
    /// Jobs of workers created but not yet started (see `startWorker`).
    @exclusivity(unchecked) private var startingJobs: [Job] = []
    /// True while ``submit(_:)`` runs a worker inline: the worker that sees it after its
    /// handler returned is still on the read callback's stack (it did not suspend).
    @exclusivity(unchecked) private var runsInline = false
    /// The job a worker taking the connection's input found (see `takeNext`), kept here
    /// rather than in the connection: it exists only while a worker takes, and a connection
    /// that has no workers does not carry the room for one (224 bytes).
    @exclusivity(unchecked) var capturedJob: Job?

    init(
        loop: any EventLoop, executor: EventLoopTaskExecutor, logger: Logger,
        complete: @escaping (UInt64, Response, Request) -> Void, takeNext: @escaping () -> Job?
    ) {
        self.loop = loop
        self.executor = executor
        self.logger = logger
        self.complete = complete
        self.takeNext = takeNext
        idle.reserveCapacity(16)
    }

    /// Runs `job` in a parked worker, or a new one: inline, until its handler suspends.
    func submit(_ job: consuming Job) {
        assert(loop.inEventLoop)
        guard !finished else { return }
        let outer = runsInline
        runsInline = executor.canRunInline
        if let worker = idle.popLast() {
            // Moved, not copied, into the worker: a copy kept here would keep the request's
            // header storage alive while the worker takes the next requests (see `work`), and
            // the parser would allocate new storage for them.
            var job = Optional(consume job)
            executor.runInline { worker.resume(returning: job.take()) }
        } else {
            startWorker(first: job)
        }
        runsInline = outer
    }

    /// Ends the workers: the connection closed. Parked ones end now; running handlers are
    /// cancelled (`Task.isCancelled` is true, cancellation handlers fire), and their
    /// responses are dropped.
    func finish() {
        assert(loop.inEventLoop)
        guard !finished else { return }
        finished = true
        for task in tasks { task.cancel() }
        tasks = []
        startingJobs = []
        let parked = idle
        idle = []
        for worker in parked { worker.resume(returning: nil) }
    }

    private func startWorker(first: consuming Job) {
        // The job waits here for the new worker, not in its closure: a closure capture would
        // keep the request (and the read buffer its head is a slice of) for the worker's life.
        startingJobs.append(first)
        let task: Task<Void, Never>
        if #available(macOS 26, iOS 26, tvOS 26, watchOS 26, visionOS 26, *), executor.canRunInline {
            // Starts at once, on this stack, like a resumed worker.
            task = Task.immediate(executorPreference: executor) { await self.work() }
        } else {
            task = Task(executorPreference: executor) { await self.work() }
        }
        tasks.append(task)
    }

    /// A worker's life: run a job, park until the next one, until the connection closes.
    ///
    /// A worker whose handler answered without suspending is still inside ``submit(_:)``,
    /// on the read callback's stack: it takes the following async requests of the same
    /// read itself (`takeNext`, which also answers the sync ones between them) instead of
    /// parking and being resumed once per request. A pipelined batch of async requests
    /// that do not suspend then costs one resume, not one each. A handler that suspends
    /// ends this: the read callback takes the rest of the input as usual.
    private nonisolated(nonsending) func work() async {
        // Each new worker takes the oldest job waiting; order does not matter, since every
        // job carries its sequence number.
        var job: Job? = finished || startingJobs.isEmpty ? nil : startingJobs.removeFirst()
        // No binding of a job may live across `park()` (see `process`).
        while job != nil {
            await process(job.take()!)
            while runsInline, !finished {
                job = takeNext()
                if job == nil { break }
                await process(job.take()!)
            }
            job = await park()
        }
    }

    /// Runs one job and hands its response over. The job is consumed: nothing of the
    /// request may outlive this call while the worker is parked, or the parser could not
    /// reuse the request's header storage for the next request (an allocation each).
    private nonisolated(nonsending) func process(_ job: consuming Job) async {
        let response: Response
        do {
            response = try await job.respond(job.request)
        } catch {
            response = HTTPConnectionHandler.internalError(error, job.request, logger)
        }
        deliver(job.sequence, response, job.request)
    }

    /// Hands a response to the connection, on the loop.
    private func deliver(_ sequence: UInt64, _ response: Response, _ request: Request) {
        if loop.inEventLoop {
            if !finished { complete(sequence, response, request) }
        } else {
            // Only if an await left the loop's executor (an actor-isolated handler): come back.
            let complete = NIOLoopBound(self.complete, eventLoop: loop)
            loop.execute { if !self.finished { complete.value(sequence, response, request) } }
        }
    }

    /// Parks the worker until the next job; nil ends it.
    private nonisolated(nonsending) func park() async -> Job? {
        if !loop.inEventLoop {
            // Come back to the loop before touching state (see `deliver`).
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                loop.execute { continuation.resume() }
            }
        }
        if finished || Task.isCancelled { return nil }
        return await withUnsafeContinuation { continuation in
            idle.append(continuation)
        }
    }
}
