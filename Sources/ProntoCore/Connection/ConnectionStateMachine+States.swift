/// The states, timeouts and decisions of ``ConnectionStateMachine``, named.
extension ConnectionStateMachine {
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
        /// Nanoseconds an idle connection still waits for a request once graceful shutdown
        /// began (0: it closes at once). A request already on the wire is answered instead
        /// of being cut by the close.
        var shutdownLinger: UInt64 = 0
        /// The slowest a body may arrive on average, in bytes per second, once
        /// ``bodyRateGrace`` has passed since it began (0: no minimum).
        var bodyBytesPerSecond: UInt64 = 0
        /// Nanoseconds a body may take before its average rate is checked.
        var bodyRateGrace: UInt64 = 0
        /// Nanoseconds the output may stay blocked (the client is not reading) before the
        /// connection is closed (0: never).
        var write: UInt64 = 0
    }

    /// A server's ``Timeouts``, shared by its connections' machines.
    final class SharedTimeouts: Sendable {
        let timeouts: Timeouts

        init(_ timeouts: Timeouts) {
            self.timeouts = timeouts
        }
    }

    /// What to do when the connection's timer fires.
    enum TimerAction: Equatable {
        /// Nothing is late: fire again at this instant.
        case rearm(at: UInt64)
        /// The request being received is late: answer 408 and close.
        case requestTimeout
        /// The keep-alive wait is over: close.
        case closeIdle
        /// The client has not read our output for the write timeout: close, nothing can be
        /// answered.
        case closeSlowReader
        /// Shutting down, nothing owed or arriving, the linger is over: close once the
        /// output is written (the machine is in `closeWhenFlushed` already).
        case closeQuiesced
    }

    /// What to do when graceful shutdown begins, or when what it waited for is done.
    enum QuiesceAction: Equatable {
        /// Something is owed or arriving; the timer or the last response ends it.
        case nothing
        /// Close once the output is written (the machine is in `closeWhenFlushed`).
        case close
        /// Not yet: the timer must fire by this instant (the end of the linger), when the
        /// machine decides again.
        case wait(until: UInt64)
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
}
