@testable import ProntoCore

/// What the engine (`HTTPConnectionHandler`) holds beside its state machine, reduced to what
/// decides which events may come next: the responses owed in request order, whether output
/// is encoded and not written, where the body being received goes, the timer. The driver
/// (`Conversation`) calls the machine the way the handler does, so every sequence it makes
/// is one the engine can make.
struct EngineModel {
    /// A response owed, oldest first (the handler's `pending`).
    struct Owed {
        /// Which request: the body being received belongs to at most one (`bodyOwner`).
        var id = 0
        var keepAlive: Bool
        var streamsBody: Bool
        var asksUpgrade: Bool
        /// Its handler finished; it waits for the ones before it.
        var isReady = false
        /// The handler's answer to an upgrade request is a `101`.
        var switches = false
        /// The engine's own answer (a 400 or a 408), not a handler's.
        var isRefusal = false
        /// Queued behind a streamed request's answer (see `refusalAfterClosingAnswerIsKnown`).
        var followsAnsweredStream = false
    }

    enum BodySink { case collect, stream, discard }

    /// Set to false once `upgraded()` accepts a 101 for a connection's last request (see
    /// `Conversation.dispatch`); the fuzzer then checks that case too.
    static let upgradeAfterLastRequestTraps = true

    /// Set to false once the engine no longer answers a streamed request's refused body
    /// with a 400 queued after that request's own answer (which may say
    /// `Connection: close`): a known finding of this fuzzer (see `respondAndClose`).
    static let refusalAfterClosingAnswerIsKnown = true

    var owed: [Owed] = []
    /// Output is encoded and not yet written.
    var hasBytes = false
    var sink = BodySink.collect
    /// The streamed request whose body is arriving.
    var bodyOwner: Int?
    var nextID = 0
    /// The head of a request whose body is being collected: dispatched when it is complete.
    var collectedKeepAlive: Bool?
    /// A request asking to upgrade waits for its answer: nothing after it is parsed.
    var awaitingUpgrade = false
    /// A `101` was encoded: the next write hands the connection to the new protocol.
    var upgradePending = false
    /// The client's bytes of a further request are buffered (the handler's `input`).
    var hasBufferedInput = false
    /// The client waits for `100 Continue` that was not sent.
    var continueOutstanding = false
    /// The machine asked to close after the output is written; the channel closes later.
    var closeRequested = false
    /// The socket takes no more output: the client does not read.
    var outputBlocked = false
    var channelClosed = false
    /// The conversation is over for HTTP: handed to another protocol.
    var handedOff = false
    var timerDeadline: UInt64 = .max
    var now: UInt64

    init(now: UInt64) {
        self.now = now
    }

    var owedCount: Int { owed.count }

    mutating func arm(_ deadline: UInt64) {
        timerDeadline = min(timerDeadline, deadline)
    }
}

extension ConnectionStateMachine.Output {
    /// Output only moves forward: open, close when flushed, closing, closed.
    var rank: Int {
        switch self {
        case .open: 0
        case .closeWhenFlushed: 1
        case .closing: 2
        case .closed: 3
        }
    }
}

extension ConnectionStateMachine.Input {
    var isIdleOrHead: Bool {
        switch self {
        case .idle, .head: true
        case .body, .stopped: false
        }
    }
}
