import NIOCore
import NIOPosix

/// The connections of one event loop and what they measured.
///
/// `@unchecked Sendable`: it is created on the caller's thread, then every mutable field is
/// read and written only on `loop` (its methods are called from channel handlers of that
/// loop, or through `loop.submit`). The results leave the loop as a `WorkerResult` value.
final class LoadWorker: @unchecked Sendable {
    let loop: EventLoop
    let configuration: LoadConfiguration
    let requests: PreparedRequests
    let address: SocketAddress
    private let bootstrap: ClientBootstrap

    var recorder: LatencyRecorder
    var errors = ErrorCounts()
    var responses = 0
    var bytesRead = 0
    private(set) var stopped = false

    private let slots: [ConnectionSlot]
    private var drainedCount = 0
    /// Succeeds when every slot has sent its quota and has its answers (counted runs).
    let drained: EventLoopPromise<Void>
    private var timeoutTask: RepeatedTask?

    init(loop: EventLoop, configuration: LoadConfiguration, requests: PreparedRequests,
         address: SocketAddress, slots: [ConnectionSlot]) {
        self.loop = loop
        self.configuration = configuration
        self.requests = requests
        self.address = address
        self.slots = slots
        self.recorder = LatencyRecorder(separateUncorrected: configuration.rate != nil)
        self.drained = loop.makePromise(of: Void.self)
        self.bootstrap = ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .connectTimeout(.seconds(5))
    }

    /// Opens every connection. On `loop`.
    func start() {
        loop.preconditionInEventLoop()
        for slot in slots where !slot.drained {
            if slot.quota == 0 { slotDrained(slot) } else { connect(slot) }
        }
        if slots.isEmpty || drainedCount == slots.count { drained.succeed(()) }
        let limit = UInt64(configuration.timeout * 1e9)
        let period = TimeAmount.nanoseconds(Int64(min(max(configuration.timeout / 4, 0.01), 0.25) * 1e9))
        timeoutTask = loop.scheduleRepeatedTask(initialDelay: period, delay: period) { [self] _ in
            let now = monotonicNanos()
            for slot in slots { slot.handler?.checkTimeout(now: now, limit: limit) }
        }
    }

    /// In a counted run without a duration, a connection gives up after this many failed
    /// connects in a row (retried every 50 ms, so about half a second).
    static let connectAttemptsWithoutDuration = 10

    private func connect(_ slot: ConnectionSlot) {
        bootstrap.connect(to: address).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let channel):
                slot.connectFailures = 0
                if stopped {
                    channel.close(promise: nil)
                    return
                }
                let handler = LoadConnectionHandler(worker: self, slot: slot)
                slot.handler = handler
                do {
                    try channel.pipeline.syncOperations.addHandler(handler)
                } catch {
                    errors.connect &+= 1
                    slot.handler = nil
                    channel.close(promise: nil)
                }
            case .failure:
                guard !stopped else { return }
                errors.connect &+= 1
                slot.connectFailures += 1
                if configuration.duration == nil && slot.connectFailures >= Self.connectAttemptsWithoutDuration {
                    // A counted run with no time limit would retry forever: give up the slot.
                    slot.quota = 0
                    slotDrained(slot)
                    return
                }
                // Retry, but not in a busy loop against a port nobody listens on.
                loop.assumeIsolated().scheduleTask(in: .milliseconds(50)) { [self] in
                    if !stopped { connect(slot) }
                }
            }
        }
    }

    /// A connection of `slot` closed: open another unless the slot is done or the run stopped.
    func connectionClosed(_ slot: ConnectionSlot, handler: LoadConnectionHandler) {
        guard slot.handler === handler else { return }
        slot.handler = nil
        guard !stopped else { return }
        if slot.quota == 0 {
            slotDrained(slot)
        } else {
            connect(slot)
        }
    }

    func slotDrained(_ slot: ConnectionSlot) {
        guard !slot.drained else { return }
        slot.drained = true
        drainedCount += 1
        if drainedCount == slots.count { drained.succeed(()) }
    }

    /// Stops sending, closes every connection and hands over the results. On `loop`.
    func stop() -> WorkerResult {
        loop.preconditionInEventLoop()
        stopped = true
        timeoutTask?.cancel()
        timeoutTask = nil
        for slot in slots {
            slot.handler?.close()
            slot.handler = nil
        }
        if drainedCount < slots.count { drained.succeed(()) }
        return snapshot()
    }

    func snapshot() -> WorkerResult {
        WorkerResult(responses: responses, bytesRead: bytesRead, errors: errors, recorder: recorder)
    }
}

/// What one event loop measured.
struct WorkerResult: Sendable {
    var responses: Int
    var bytesRead: Int
    var errors: ErrorCounts
    var recorder: LatencyRecorder
}

/// A once-per-second look at a running load test.
public struct LoadProgress: Sendable {
    public var elapsed: Double
    public var responses: Int
    public var responsesInLastInterval: Int
    public var intervalSeconds: Double
    public var errors: Int
}

/// Runs `pronto-bench load`.
public enum LoadRunner {
    /// Runs a load test and returns its report. `progress`, if given, is called about once a
    /// second while it runs (not on the event loops).
    public static func run(
        _ configuration: LoadConfiguration,
        progress: (@Sendable (LoadProgress) -> Void)? = nil
    ) async throws -> LoadReport {
        try configuration.validate()
        let address = try resolve(configuration.url)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
        do {
            let report = try await run(configuration, address: address, group: group, progress: progress)
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    static func resolve(_ url: TargetURL) throws -> SocketAddress {
        if let address = try? SocketAddress(ipAddress: url.host, port: url.port) { return address }
        do {
            return try SocketAddress.makeAddressResolvingHost(url.host, port: url.port)
        } catch {
            throw BenchError.cannotResolve(url.host)
        }
    }

    private static func run(
        _ configuration: LoadConfiguration,
        address: SocketAddress,
        group: MultiThreadedEventLoopGroup,
        progress: (@Sendable (LoadProgress) -> Void)?
    ) async throws -> LoadReport {
        let loops = Array(group.makeIterator())
        let prepared = RequestEncoder(configuration: configuration).window(count: configuration.pipeline)
        let start = monotonicNanos()
        // Rate runs: the first request is due a little after start, once connections are open.
        let scheduleStart = start &+ 1_000_000

        // Quotas: `requests` split as evenly as possible; `Int.max` for a timed run.
        var slotsPerLoop = [[ConnectionSlot]](repeating: [], count: loops.count)
        for index in 0..<configuration.connections {
            var quota = Int.max
            if let total = configuration.requests {
                quota = total / configuration.connections + (index < total % configuration.connections ? 1 : 0)
            }
            let schedule = configuration.rate.map {
                RateSchedule(start: scheduleStart, totalRate: $0, connections: configuration.connections, connectionIndex: index)
            }
            slotsPerLoop[index % loops.count].append(ConnectionSlot(index: index, quota: quota, schedule: schedule))
        }
        let workers = loops.indices.map {
            LoadWorker(loop: loops[$0], configuration: configuration, requests: prepared, address: address, slots: slotsPerLoop[$0])
        }

        // The run ends at the duration or when every counted request is answered, whichever
        // comes first. Both events are handled on loops[0], so `ending` needs no lock.
        let endLoop = loops[0]
        let ending = RunEnd(promise: endLoop.makePromise(of: Void.self))
        for worker in workers {
            try await worker.loop.submit { worker.start() }.get()
        }
        if let duration = configuration.duration {
            endLoop.scheduleTask(deadline: .uptimeNanoseconds(start &+ UInt64(duration * 1e9))) { ending.finish() }
        }
        if configuration.requests != nil {
            EventLoopFuture.andAllSucceed(workers.map { $0.drained.futureResult }, on: endLoop).whenComplete { _ in
                ending.finish()
            }
        }

        let progressTask = progress.map { report in
            Task {
                var last = 0
                var lastTime = start
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 1_000_000_000)
                    if Task.isCancelled { break }
                    var responses = 0
                    var errors = 0
                    for worker in workers {
                        guard let (r, e) = try? await worker.loop.submit({ (worker.responses, worker.errors.total) }).get() else { continue }
                        responses += r
                        errors += e
                    }
                    let now = monotonicNanos()
                    report(LoadProgress(
                        elapsed: Double(now - start) / 1e9, responses: responses,
                        responsesInLastInterval: responses - last, intervalSeconds: Double(now - lastTime) / 1e9,
                        errors: errors))
                    last = responses
                    lastTime = now
                }
            }
        }

        try await ending.promise.futureResult.get()
        let end = monotonicNanos()
        progressTask?.cancel()
        var results: [WorkerResult] = []
        for worker in workers {
            results.append(try await worker.loop.submit { worker.stop() }.get())
        }
        _ = await progressTask?.value

        var recorder = LatencyRecorder(separateUncorrected: configuration.rate != nil)
        var errors = ErrorCounts()
        var responses = 0
        var bytes = 0
        for result in results {
            recorder.add(result.recorder)
            errors.add(result.errors)
            responses += result.responses
            bytes += result.bytesRead
        }
        return LoadReport(
            configuration: configuration, durationSeconds: Double(end - start) / 1e9,
            responses: responses, bytesRead: bytes, errors: errors, recorder: recorder)
    }
}

/// The end of a run, signalled once. Confined to the loop of `promise`.
private final class RunEnd: @unchecked Sendable {
    let promise: EventLoopPromise<Void>
    private var done = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func finish() {
        promise.futureResult.eventLoop.preconditionInEventLoop()
        guard !done else { return }
        done = true
        promise.succeed(())
    }
}
