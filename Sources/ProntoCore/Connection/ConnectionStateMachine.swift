/// The life of one HTTP/1.1 connection as named states, without I/O.
///
/// ``HTTPConnectionHandler`` (the NIO adapter) reports what happens: a request head began or
/// completed, a body finished, a request was dispatched or refused, a response was encoded,
/// output is about to be written, the timer fired, a shutdown began, the channel closed. The
/// machine moves between named states and answers what to do. An event that cannot happen
/// in the current state is Pronto's own bug: a `preconditionFailure` naming the event and
/// the state, as NIO's `HTTPServerPipelineHandler` does.
///
/// It knows no NIO types: times are nanoseconds of a monotonic clock
/// (`NIODeadline.uptimeNanoseconds` in the engine, any numbers in tests), so it is tested
/// event by event without a channel (Tests/ProntoCoreTests/Connection/ConnectionStateMachineTests).
struct ConnectionStateMachine {
    private(set) var input: Input = .idle
    private(set) var output: Output = .open
    private(set) var isQuiescing = false
    /// While shutting down: until when an idle connection waits for a last request.
    private var lingerEnd: UInt64 = .max
    /// While shutting down: the linger is over, so the next response is the last even if
    /// more input is buffered (a client that keeps pipelining cannot hold the shutdown).
    private var lingerIsOver = false
    /// The body being received streams to a consumer that lags: reading is paused, and the
    /// client is not late (the request timeout counts from the resume).
    private(set) var isBodyPaused = false
    /// The request whose body is arriving was dispatched already (its body streams) and
    /// asked to be the last: take no request after its body.
    private var stopsAfterBody = false
    /// When bytes last arrived, or the connection opened.
    private(set) var lastActivity: UInt64
    /// The body being received: its average rate since it began (or resumed after a pause).
    private var bodyRate = BodyRateMeter()
    /// Since when the output cannot be written (the client does not read); nil when it can.
    private(set) var outputBlockedSince: UInt64?
    /// When the connection opened: until its first request head is complete, it may wait
    /// only the request head timeout from then (a client that connects and sends nothing,
    /// or only blank lines, is not a keep-alive client yet).
    private var openedAt: UInt64
    private var hasCompletedHead = false
    /// The server's timeouts, one copy for all its connections (48 bytes each otherwise).
    private let sharedTimeouts: SharedTimeouts
    var timeouts: Timeouts { sharedTimeouts.timeouts }

    init(now: UInt64, timeouts: SharedTimeouts) {
        self.lastActivity = now
        self.openedAt = now
        self.sharedTimeouts = timeouts
    }

    /// A machine with timeouts of its own (tests, fuzzing).
    init(now: UInt64, timeouts: Timeouts) {
        self.init(now: now, timeouts: SharedTimeouts(timeouts))
    }

    private func illegal(_ event: String) -> Never {
        preconditionFailure("ConnectionStateMachine: \(event) is illegal in input state \(input), output state \(output)")
    }

    // MARK: The client's bytes

    /// `count` bytes arrived from the client.
    mutating func bytesArrived(_ count: Int, at now: UInt64) {
        lastActivity = now
        if case .body = input { bodyRate.received(count) }
    }

    /// The connection is open (it counts from now, not from when it was made).
    mutating func opened(at now: UInt64) {
        lastActivity = now
        openedAt = now
    }

    /// The parser stopped inside a request head for want of bytes. Returns the head's deadline
    /// when the head just began (the timer must fire by then), nil when it had begun before.
    mutating func headStarted() -> UInt64? {
        switch input {
        case .idle:
            input = .head(startedAt: lastActivity)
            return lastActivity + timeouts.requestHead
        case .head:
            return nil
        case .body, .stopped:
            illegal("headStarted")
        }
    }

    /// A request head is complete; `body` says how its body is framed (nil: no body to read).
    mutating func headCompleted(body: BodyFraming?) {
        switch input {
        case .idle, .head:
            hasCompletedHead = true
            input = body.map(Input.body) ?? .idle
            if body != nil { bodyRate.start(at: lastActivity) }
        case .body, .stopped:
            illegal("headCompleted")
        }
    }

    /// Part of a Content-Length body arrived; `remaining` bytes are still to come.
    mutating func bodyReceived(remaining: Int) {
        guard case .body(.contentLength) = input, remaining > 0 else { illegal("bodyReceived(remaining: \(remaining))") }
        input = .body(.contentLength(remaining: remaining))
    }

    /// The body of the current request is complete.
    mutating func bodyCompleted() {
        guard case .body = input else { illegal("bodyCompleted") }
        input = stopsAfterBody ? .stopped(.lastRequest) : .idle
        stopsAfterBody = false
        isBodyPaused = false
    }

    /// The consumer of a streamed body lags: reading stops until ``bodyResumed(at:)``.
    mutating func bodyPaused() {
        guard case .body = input else { illegal("bodyPaused") }
        isBodyPaused = true
    }

    /// The consumer of a streamed body wants more: the body's timeout counts from now.
    mutating func bodyResumed(at now: UInt64) {
        guard isBodyPaused else { return }
        isBodyPaused = false
        lastActivity = now
        // The client was held back by us: its average rate counts afresh.
        bodyRate.start(at: now)
    }

    /// When the body being received is late if nothing more arrives (the longest pause, or
    /// the minimum average rate); `.max` when no body is arriving from the client.
    var bodyDeadline: UInt64 {
        guard case .body = input, !isBodyPaused else { return .max }
        return min(lastActivity &+ timeouts.requestHead,
                   bodyRate.deadline(bytesPerSecond: timeouts.bodyBytesPerSecond, grace: timeouts.bodyRateGrace))
    }

    /// The response to the request whose body is arriving was sent, and too much of the
    /// body is left to read and discard: take nothing more, close after the response.
    mutating func bodyAbandoned() {
        guard case .body = input else { illegal("bodyAbandoned") }
        input = .stopped(.lastRequest)
        isBodyPaused = false
        stopsAfterBody = false
    }

    /// A request goes to its handler: after its body (`.idle`), or as soon as its head
    /// arrived when its body streams (`.body`). Returns whether its response keeps the
    /// connection open: the request asked for it and the shutdown's linger is not over.
    /// When it does not, no request after it is taken. While shutting down otherwise, the
    /// response decides (see ``closesAfter(keepAlive:othersOwed:hasBufferedInput:)``).
    mutating func dispatched(requestKeepAlive: Bool) -> Bool {
        let keepAlive = requestKeepAlive && !lingerIsOver
        switch input {
        case .idle:
            if !keepAlive { input = .stopped(.lastRequest) }
        case .body:
            if !keepAlive { stopsAfterBody = true }
        case .head, .stopped:
            illegal("dispatched")
        }
        return keepAlive
    }

    /// A request could not be parsed (or its body could not be decoded): it is answered
    /// with its error status and the connection closes after it.
    mutating func requestRefused() {
        switch input {
        case .idle, .head, .body:
            input = .stopped(.badRequest)
            isBodyPaused = false
        case .stopped:
            illegal("requestRefused")
        }
    }

    // MARK: Responses and writing

    /// Whether the response now encoded is the connection's last: its request was, or the
    /// server is shutting down and nothing else is owed or arriving. `hasBufferedInput`:
    /// bytes of a further request are received (whole or in part); while shutting down they
    /// are answered too, until the linger is over.
    func closesAfter(keepAlive: Bool, othersOwed: Int, hasBufferedInput: Bool) -> Bool {
        !keepAlive || (isQuiescing && othersOwed == 0 && !isReadingBody && (!hasBufferedInput || lingerIsOver))
    }

    /// A final response (see ``closesAfter(keepAlive:othersOwed:hasBufferedInput:)``) is
    /// encoded: no request is taken after it.
    mutating func finalResponseEncoded() {
        switch output {
        case .open, .closeWhenFlushed:
            output = .closeWhenFlushed
        case .closing, .closed:
            illegal("finalResponseEncoded")
        }
        switch input {
        case .idle, .head: input = .stopped(isQuiescing ? .shutdown : .lastRequest)
        case .body, .stopped: break
        }
    }

    /// Output is about to be written (`hasBytes`: something is encoded), with `owed`
    /// responses still to come. Closes after the last response once nothing is owed.
    mutating func flush(hasBytes: Bool, owed: Int) -> FlushAction {
        switch output {
        case .open:
            return hasBytes ? .write : .nothing
        case .closeWhenFlushed:
            guard owed == 0 else { return hasBytes ? .write : .nothing }
            output = .closing
            return hasBytes ? .writeAndClose : .close
        case .closing, .closed:
            return .nothing
        }
    }

    /// A `101 Switching Protocols` is encoded: no request is taken any more, the bytes after
    /// it belong to the new protocol.
    mutating func upgraded() {
        switch input {
        case .idle, .head:
            input = .stopped(.upgraded)
        case .body, .stopped:
            illegal("upgraded")
        }
    }

    /// The channel closed (by either side).
    mutating func closed() {
        output = .closed
        input = .stopped(.closed)
    }

    /// The output cannot be written: the socket is full and the client does not read.
    mutating func outputBlocked(at now: UInt64) {
        if outputBlockedSince == nil { outputBlockedSince = now }
    }

    /// The output can be written again: the client read. That counts as activity.
    mutating func outputUnblocked(at now: UInt64) {
        outputBlockedSince = nil
        lastActivity = max(lastActivity, now)
    }

    // MARK: Shutdown

    /// Graceful shutdown began: what is in flight finishes, and so does what arrives while
    /// it does (a half-received head or body, requests already buffered), the last response
    /// saying `Connection: close`. An idle connection waits ``Timeouts/shutdownLinger`` for
    /// a request already on the wire, so the close does not cut it.
    mutating func quiesce(at now: UInt64, owed: Int) -> QuiesceAction {
        guard !isQuiescing else { return .nothing }
        isQuiescing = true
        lingerEnd = now &+ timeouts.shutdownLinger
        let action = finishQuiescing(at: now, owed: owed)
        return action == .nothing ? .wait(until: lingerEnd) : action
    }

    /// While shutting down, once nothing is owed and no request is arriving: close when the
    /// linger is over (``QuiesceAction/close``), or wait for it.
    mutating func finishQuiescing(at now: UInt64, owed: Int) -> QuiesceAction {
        guard isQuiescing, owed == 0, output == .open else { return .nothing }
        switch input {
        case .body, .head:
            return .nothing
        case .idle:
            guard now >= lingerEnd else { return .wait(until: lingerEnd) }
            input = .stopped(.shutdown)
        case .stopped:
            break
        }
        output = .closeWhenFlushed
        return .close
    }

    // MARK: Time

    /// The reaper: one timer per connection, re-armed to the next deadline that matters.
    /// `owed` is the number of responses the server still owes (its own handlers are busy:
    /// not the client's fault). Nil when nothing is left to watch (the connection is
    /// closing and its output is not blocked).
    mutating func timerFired(at now: UInt64, owed: Int) -> TimerAction? {
        guard output != .closed else { return nil }
        // A client that does not read holds our output, whatever else is going on.
        let writeDeadline = self.writeDeadline
        if now >= writeDeadline { return .closeSlowReader }
        guard isWritable else {
            // Closing after a last response the client has not read yet.
            return writeDeadline == .max ? nil : .rearm(at: writeDeadline)
        }
        switch inputTimer(at: now, owed: owed) {
        case .rearm(let deadline):
            return .rearm(at: min(deadline, writeDeadline))
        case .closeIdle where writeDeadline != .max:
            // Not idle: our output is still on its way to a slow reader.
            return .rearm(at: writeDeadline)
        case let action:
            return action
        }
    }

    /// The timer's decision for what the client sends (or not).
    private mutating func inputTimer(at now: UInt64, owed: Int) -> TimerAction {
        if isQuiescing, now >= lingerEnd { lingerIsOver = true }
        switch input {
        case .head(let startedAt):
            return requestDeadline(startedAt + timeouts.requestHead, now: now)
        case .body:
            // A paused body waits for our consumer, not for the client.
            if isBodyPaused { return rearm(at: now + timeouts.requestHead) }
            return requestDeadline(bodyDeadline, now: now)
        case .idle, .stopped:
            guard owed == 0 else { return rearm(at: now + timeouts.idle) }
            if isQuiescing {
                switch finishQuiescing(at: now, owed: 0) {
                case .close: return .closeQuiesced
                case .wait(let until): return .rearm(at: until)
                case .nothing: break
                }
            }
            let deadline = hasCompletedHead ? lastActivity + timeouts.idle : openedAt + timeouts.requestHead
            return now >= deadline ? .closeIdle : rearm(at: deadline)
        }
    }

    /// Fire at `deadline`, or at the end of the shutdown's linger if that comes first.
    private func rearm(at deadline: UInt64) -> TimerAction {
        .rearm(at: isQuiescing && !lingerIsOver ? min(deadline, lingerEnd) : deadline)
    }

    private mutating func requestDeadline(_ deadline: UInt64, now: UInt64) -> TimerAction {
        guard now >= deadline else { return rearm(at: deadline) }
        input = .stopped(.timeout)
        return .requestTimeout
    }
}
