import NIOCore

/// What a connection of the run owes, kept across reconnects: the requests it may still send
/// and, at a fixed rate, its place in the schedule. Confined to its worker's event loop.
final class ConnectionSlot {
    /// Index among all connections of the run (for the schedule's offset).
    let index: Int
    /// Requests still to send; `Int.max` when the run is timed rather than counted.
    var quota: Int
    /// The fixed-rate schedule, nil when sending as fast as possible.
    let schedule: RateSchedule?
    /// Schedule index of the next request to send.
    var nextIndex = 0
    /// The live connection, if any.
    var handler: LoadConnectionHandler?
    /// Whether the quota was sent and every answer is in (or lost).
    var drained = false
    /// Connection attempts that failed in a row.
    var connectFailures = 0

    init(index: Int, quota: Int, schedule: RateSchedule?) {
        self.index = index
        self.quota = quota
        self.schedule = schedule
    }
}

/// Drives one connection: writes pre-encoded requests, parses the answers in order, times
/// them and counts errors.
///
/// Hot path (per read): one clock read, `ResponseParser` over the read's bytes in place, one
/// histogram increment per answer (two at a fixed rate), counters bumped on the worker. Per
/// batch: the pre-encoded window (or a slice of it) written with a `nil` promise. Nothing
/// here allocates per request; the send-time rings are allocated once per connection.
final class LoadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let worker: LoadWorker
    let slot: ConnectionSlot
    private var parser: ResponseParser
    private let depth: Int
    private let checkSequence: Bool
    // Rings of `depth` entries: due time and write time of each request in flight, oldest at
    // `ringHead`. `inFlight <= depth` always, so a ring never overflows.
    private let dueTimes: UnsafeMutablePointer<UInt64>
    private let sendTimes: UnsafeMutablePointer<UInt64>
    private var ringHead = 0
    private(set) var inFlight = 0
    private var sentCount = 0
    private var answeredCount = 0
    private var context: ChannelHandlerContext?
    private var started = false
    /// Set once the connection's fate is accounted for (error counted, or a deliberate close):
    /// nothing more is counted for it.
    private var ended = false
    private var timerArmed = false
    /// An answer of this read carried `Connection: close`.
    private var closeAfterRead = false

    init(worker: LoadWorker, slot: ConnectionSlot) {
        self.worker = worker
        self.slot = slot
        let configuration = worker.configuration
        self.depth = configuration.pipeline
        self.checkSequence = configuration.checkSequence
        self.parser = ResponseParser(isHeadRequest: configuration.isHead, parsesSequence: configuration.checkSequence)
        self.dueTimes = .allocate(capacity: depth)
        self.sendTimes = .allocate(capacity: depth)
        dueTimes.initialize(repeating: 0, count: depth)
        sendTimes.initialize(repeating: 0, count: depth)
    }

    deinit {
        dueTimes.deallocate()
        sendTimes.deallocate()
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start() }
    }

    func channelActive(context: ChannelHandlerContext) {
        start()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !ended else { return }
        // One clock read per read: the answers in it arrived together.
        let now = monotonicNanos()
        let outcome = buffer.withUnsafeReadableBytes { process($0, now: now) }
        if outcome != .ok || closeAfterRead {
            // Malformed or unsolicited: framing is lost. Or the server said it closes:
            // requests still in flight are lost, not errors.
            end(context: context)
            return
        }
        pump()
    }

    private enum ReadOutcome { case ok, fatal }

    /// Parses one read's bytes and accounts for every answer in them.
    ///
    /// Works on local copies of the parser, the ring position and the counters, written back
    /// once at the end: the loop touches no class property (no exclusivity checks, no
    /// retains). Consecutive answers to requests with the same due and send times (a
    /// pipelined batch) have the same latency and are recorded with one histogram update.
    @inline(__always)
    private func process(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> ReadOutcome {
        var parser = self.parser
        var ringHead = self.ringHead
        var inFlight = self.inFlight
        var answered = 0
        var status4xx = 0
        var status5xx = 0
        var malformed = 0
        var outcome = ReadOutcome.ok
        var runDue: UInt64 = 0
        var runSent: UInt64 = 0
        var runLength = 0
        let depth = self.depth
        let dueTimes = self.dueTimes
        let sendTimes = self.sendTimes
        let checkSequence = self.checkSequence
        var answeredCount = self.answeredCount
        var closeAfterRead = false

        var index = 0
        parsing: while index < bytes.count {
            let (event, end) = parser.parse(bytes, from: index)
            index = end
            switch event {
            case .needMore:
                break parsing
            case .malformed:
                malformed &+= 1
                outcome = .fatal
                break parsing
            case .response:
                guard inFlight > 0 else {
                    // More answers than requests: the server is out of step.
                    malformed &+= 1
                    outcome = .fatal
                    break parsing
                }
                // ringHead < depth, a slot of a request in flight.
                let due = dueTimes[ringHead]
                let sent = sendTimes[ringHead]
                if runLength > 0 && due == runDue && sent == runSent {
                    runLength &+= 1
                } else {
                    if runLength > 0 {
                        worker.recorder.record(scheduled: runDue, sent: runSent, answered: now, count: runLength)
                    }
                    runDue = due
                    runSent = sent
                    runLength = 1
                }
                ringHead = ringHead &+ 1 == depth ? 0 : ringHead &+ 1
                inFlight &-= 1
                answered &+= 1
                let status = parser.status
                if status >= 400 {
                    if status < 500 { status4xx &+= 1 } else { status5xx &+= 1 }
                }
                if checkSequence && parser.sequence != answeredCount % depth {
                    // The answer belongs to another request of the window: out of order.
                    malformed &+= 1
                }
                answeredCount &+= 1
                if parser.closeRequested { closeAfterRead = true }
            }
        }
        if runLength > 0 {
            worker.recorder.record(scheduled: runDue, sent: runSent, answered: now, count: runLength)
        }
        self.parser = parser
        self.ringHead = ringHead
        self.inFlight = inFlight
        self.answeredCount = answeredCount
        if closeAfterRead { self.closeAfterRead = true }
        let worker = self.worker
        worker.bytesRead &+= bytes.count
        worker.responses &+= answered
        if status4xx | status5xx | malformed != 0 {
            worker.errors.status4xx &+= status4xx
            worker.errors.status5xx &+= status5xx
            worker.errors.malformed &+= malformed
        }
        return outcome
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !ended && !worker.stopped {
            // A body delimited by the end of the connection ends here.
            if parser.finishAtEOF() { answeredAtEOF(now: monotonicNanos()) }
            if inFlight > 0 || !parser.isAtMessageBoundary { worker.errors.read &+= 1 }
        }
        ended = true
        self.context = nil
        worker.connectionClosed(slot, handler: self)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if !ended && !worker.stopped {
            if Self.isWriteError(error) {
                worker.errors.write &+= 1
            } else {
                worker.errors.read &+= 1
            }
        }
        end(context: context)
    }

    static func isWriteError(_ error: Error) -> Bool {
        // NIO's IOError names the system call that failed ("write(…)", "writev(…)", "sendmsg(…)").
        let text = String(describing: error)
        return text.contains("write") || text.contains("send")
    }

    // MARK: Sending

    private func start() {
        guard !started else { return }
        started = true
        pump()
    }

    /// Sends what is due: the next batch when all answers are in (as fast as possible), or
    /// every request whose time has come (at a fixed rate).
    private func pump() {
        guard let context, !ended, !worker.stopped else { return }
        if let schedule = slot.schedule {
            pumpScheduled(context: context, schedule: schedule)
        } else if inFlight == 0 {
            let n = min(depth, slot.quota)
            guard n > 0 else {
                worker.slotDrained(slot)
                return
            }
            let now = monotonicNanos()
            // inFlight == 0, so the ring is empty and the n entries fit.
            for j in 0..<n {
                let at = (ringHead &+ j) % depth
                dueTimes[at] = now
                sendTimes[at] = now
            }
            inFlight = n
            sentCount &+= n
            slot.quota &-= n
            context.writeAndFlush(wrapOutboundOut(worker.requests.slice(first: 0, n: n)), promise: nil)
        }
    }

    private func pumpScheduled(context: ChannelHandlerContext, schedule: RateSchedule) {
        let now = monotonicNanos()
        var wrote = false
        while inFlight < depth && slot.quota > 0 {
            let due = schedule.dueTime(slot.nextIndex)
            if due > now {
                armTimer(context: context, at: due)
                break
            }
            let at = (ringHead &+ inFlight) % depth
            dueTimes[at] = due
            sendTimes[at] = now
            inFlight &+= 1
            slot.quota &-= 1
            slot.nextIndex &+= 1
            context.write(wrapOutboundOut(worker.requests.slice(first: sentCount % depth, n: 1)), promise: nil)
            sentCount &+= 1
            wrote = true
        }
        if wrote { context.flush() }
        if slot.quota == 0 && inFlight == 0 { worker.slotDrained(slot) }
    }

    private func armTimer(context: ChannelHandlerContext, at due: UInt64) {
        guard !timerArmed else { return }
        timerArmed = true
        context.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(due)) {
            self.timerArmed = false
            self.pump()
        }
    }

    // MARK: Answers

    /// The response whose body ran to the end of the connection just completed.
    private func answeredAtEOF(now: UInt64) {
        guard inFlight > 0 else {
            worker.errors.malformed &+= 1
            return
        }
        worker.recorder.record(scheduled: dueTimes[ringHead], sent: sendTimes[ringHead], answered: now, count: 1)
        ringHead = ringHead &+ 1 == depth ? 0 : ringHead &+ 1
        inFlight &-= 1
        worker.responses &+= 1
        let status = parser.status
        if status >= 400 {
            if status < 500 { worker.errors.status4xx &+= 1 } else { worker.errors.status5xx &+= 1 }
        }
        answeredCount &+= 1
    }

    // MARK: Ending

    /// Closes the connection without counting anything more for it (the worker reconnects).
    func end(context: ChannelHandlerContext) {
        ended = true
        context.close(promise: nil)
    }

    /// Closes the connection from outside a channel event (timeouts, end of run).
    func close() {
        guard let context else { return }
        end(context: context)
    }

    /// Counts the requests in flight as timeouts and replaces the connection when the oldest
    /// was written more than `limit` nanoseconds before `now`.
    func checkTimeout(now: UInt64, limit: UInt64) {
        guard inFlight > 0, !ended, now > sendTimes[ringHead], now - sendTimes[ringHead] > limit else { return }
        worker.errors.timeout &+= inFlight
        close()
    }
}
