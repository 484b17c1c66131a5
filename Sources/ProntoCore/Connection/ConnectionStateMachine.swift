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
/// event by event without a channel (Tests/ProntoTests/Engine/ConnectionStateMachineTests).
struct ConnectionStateMachine {
    /// What the bytes from the client are.
    enum Input: Equatable {
        /// Between requests: the next byte starts a request head (the keep-alive wait).
        case idle
        /// A request head began at this instant and is not complete yet.
        case head(startedAt: UInt64)
        /// The body of the request whose head came last.
        case body(BodyFraming)
        /// No more requests are taken; whatever else arrives is discarded.
        case stopped(StopReason)
    }

    enum BodyFraming: Equatable {
        case contentLength(remaining: Int)
        case chunked
    }

    /// Why a connection takes no more requests.
    enum StopReason: Equatable {
        /// The last request asked to close (`Connection: close`, or HTTP/1.0 without keep-alive).
        case lastRequest
        /// A request could not be parsed: its framing is unknown, nothing after it can be trusted.
        case badRequest
        /// A request head or body was not received in time.
        case timeout
        /// Graceful shutdown.
        case shutdown
        /// A 101 switched the connection to another protocol: what follows is not HTTP.
        case upgraded
        /// The channel closed.
        case closed
    }

    /// What becomes of the connection once responses are written.
    enum Output: Equatable {
        /// Responses are written and the connection stays open.
        case open
        /// A final response is encoded: close once everything owed is written.
        case closeWhenFlushed
        /// The last bytes are on their way; the connection is closing.
        case closing
        case closed
    }

    struct Timeouts: Equatable {
        /// Nanoseconds a keep-alive connection may wait for its next request.
        var idle: UInt64
        /// Nanoseconds a started head may take to complete, and the longest pause in a body.
        var requestHead: UInt64
    }

    /// What to do when the connection's timer fires.
    enum TimerAction: Equatable {
        /// Nothing is late: fire again at this instant.
        case rearm(at: UInt64)
        /// The request being received is late: answer 408 and close.
        case requestTimeout
        /// The keep-alive wait is over: close.
        case closeIdle
    }

    /// What a flush must do.
    enum FlushAction: Equatable {
        case nothing
        case write
        /// Write, then close: this is the last output.
        case writeAndClose
        /// Nothing left to write; close now.
        case close
    }

    private(set) var input: Input = .idle
    private(set) var output: Output = .open
    private(set) var isQuiescing = false
    /// The body being received streams to a consumer that lags: reading is paused, and the
    /// client is not late (the request timeout counts from the resume).
    private(set) var isBodyPaused = false
    /// The request whose body is arriving was dispatched already (its body streams) and
    /// asked to be the last: take no request after its body.
    private var stopsAfterBody = false
    /// When bytes last arrived, or the connection opened.
    private(set) var lastActivity: UInt64
    /// When the connection opened: until its first request head is complete, it may wait
    /// only the request head timeout from then (a client that connects and sends nothing,
    /// or only blank lines, is not a keep-alive client yet).
    private var openedAt: UInt64
    private var hasCompletedHead = false
    let timeouts: Timeouts

    init(now: UInt64, timeouts: Timeouts) {
        self.lastActivity = now
        self.openedAt = now
        self.timeouts = timeouts
    }

    /// Whether requests are still taken from the input.
    var isTakingRequests: Bool {
        if case .stopped = input { return false }
        return true
    }

    var isReadingBody: Bool {
        if case .body = input { return true }
        return false
    }

    /// Whether output may still be written.
    var isWritable: Bool { output == .open || output == .closeWhenFlushed }

    /// The first instant the timer must fire at, for a connection that just opened.
    var firstDeadline: UInt64 { lastActivity + min(timeouts.idle, timeouts.requestHead) }

    private func illegal(_ event: String) -> Never {
        preconditionFailure("ConnectionStateMachine: \(event) is illegal in input state \(input), output state \(output)")
    }

    // MARK: The client's bytes

    mutating func bytesArrived(at now: UInt64) {
        lastActivity = now
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
    /// connection open: the request asked for it and the server is not shutting down. When
    /// it does not, no request after it is taken.
    mutating func dispatched(requestKeepAlive: Bool) -> Bool {
        let keepAlive = requestKeepAlive && !isQuiescing
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
    /// server is shutting down and nothing else is owed or arriving.
    func closesAfter(keepAlive: Bool, othersOwed: Int) -> Bool {
        !keepAlive || (isQuiescing && othersOwed == 0 && !isReadingBody)
    }

    /// A final response (see ``closesAfter(keepAlive:othersOwed:)``) is encoded.
    mutating func finalResponseEncoded() {
        switch output {
        case .open, .closeWhenFlushed:
            output = .closeWhenFlushed
        case .closing, .closed:
            illegal("finalResponseEncoded")
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

    // MARK: Shutdown

    /// Graceful shutdown began: requests in flight finish, their last response says
    /// `Connection: close`, no new request is taken. Returns true when the connection can
    /// close at once (see ``finishQuiescing(owed:)``).
    mutating func quiesce(owed: Int) -> Bool {
        isQuiescing = true
        return finishQuiescing(owed: owed)
    }

    /// While shutting down, once nothing is owed and no body is arriving: take no more
    /// requests and close when the output is written. Returns true when that happened now.
    /// A partial head is not in flight: it is dropped.
    mutating func finishQuiescing(owed: Int) -> Bool {
        guard isQuiescing, owed == 0, output == .open else { return false }
        switch input {
        case .body:
            return false
        case .idle, .head:
            input = .stopped(.shutdown)
        case .stopped:
            break
        }
        output = .closeWhenFlushed
        return true
    }

    // MARK: Time

    /// The reaper: one timer per connection, re-armed to the next deadline that matters.
    /// `owed` is the number of responses the server still owes (its own handlers are busy:
    /// not the client's fault). Nil when the connection is closing anyway.
    mutating func timerFired(at now: UInt64, owed: Int) -> TimerAction? {
        guard isWritable else { return nil }
        switch input {
        case .head(let startedAt):
            return requestDeadline(startedAt + timeouts.requestHead, now: now)
        case .body:
            // A paused body waits for our consumer, not for the client.
            if isBodyPaused { return .rearm(at: now + timeouts.requestHead) }
            return requestDeadline(lastActivity + timeouts.requestHead, now: now)
        case .idle, .stopped:
            guard owed == 0 else { return .rearm(at: now + timeouts.idle) }
            let deadline = hasCompletedHead ? lastActivity + timeouts.idle : openedAt + timeouts.requestHead
            return now >= deadline ? .closeIdle : .rearm(at: deadline)
        }
    }

    private mutating func requestDeadline(_ deadline: UInt64, now: UInt64) -> TimerAction {
        guard now >= deadline else { return .rearm(at: deadline) }
        input = .stopped(.timeout)
        return .requestTimeout
    }
}
