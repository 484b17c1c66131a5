import FuzzSupport
@testable import ProntoCore

/// One connection's life driven by the fuzzer: each step is an event the engine can report
/// in the current state, called the way `HTTPConnectionHandler` calls it, followed by the
/// engine's reaction to the machine's answer. After every step the machine's invariants are
/// checked (see `checkInvariants`).
struct Conversation {
    var machine: ConnectionStateMachine
    var engine: EngineModel
    let timeouts: ConnectionStateMachine.Timeouts
    /// The pipeline's bound (the handler's `maxPipelinedRequests`).
    static let maxPipelined = 8

    init(_ input: inout FuzzInput) {
        // Small timeouts, so that a few clock steps reach every deadline.
        timeouts = ConnectionStateMachine.Timeouts(
            idle: UInt64(input.int(in: 1...1000)), requestHead: UInt64(input.int(in: 1...1000)),
            shutdownLinger: UInt64(input.int(in: 0...1000)), bodyBytesPerSecond: UInt64(input.int(in: 0...2000)),
            bodyRateGrace: UInt64(input.int(in: 0...1000)), write: UInt64(input.int(in: 0...1000))
        )
        let start = UInt64(input.int(in: 0...(1 << 40)))
        machine = ConnectionStateMachine(now: start, timeouts: timeouts)
        engine = EngineModel(now: start)
        machine.opened(at: start)
        engine.arm(machine.firstDeadline)
    }

    var isOver: Bool { engine.channelClosed || engine.handedOff }

    // MARK: The client's bytes

    mutating func bytesArrive(_ count: Int, more: Bool) {
        machine.bytesArrived(count, at: engine.now)
        engine.hasBufferedInput = more && machine.isTakingRequests
    }

    /// The parser stopped inside a head.
    mutating func headStarts() {
        guard canParse else { return }
        let wasIdle = machine.input == .idle
        let deadline = machine.headStarted()
        check((deadline != nil) == wasIdle, "headStarted gave \(String(describing: deadline)) from \(wasIdle ? "idle" : "a head")")
        if let deadline {
            // Counted from the bytes' arrival (which may be earlier: input parsed after a pause).
            check(deadline > machine.lastActivity, "a head's deadline \(deadline) is not after its start \(machine.lastActivity)")
            engine.arm(deadline)
        }
        engine.hasBufferedInput = true
    }

    /// A head is complete: dispatched now, or once its body is collected.
    mutating func headCompletes(_ input: inout FuzzInput) {
        guard canParse else { return }
        let keepAlive = input.byte() % 4 != 0
        let framing: ConnectionStateMachine.BodyFraming?
        switch input.byte() % 4 {
        case 0: framing = .contentLength(remaining: input.int(in: 1...(1 << 20)))
        case 1: framing = .chunked
        default: framing = nil
        }
        engine.hasBufferedInput = input.bool()
        guard let framing else {
            machine.headCompleted(body: nil)
            return dispatch(keepAlive: keepAlive, streamsBody: false, asksUpgrade: input.byte() % 4 == 0, input: &input)
        }
        machine.headCompleted(body: framing)
        engine.continueOutstanding = input.bool()
        if input.bool() {
            engine.sink = .stream
            dispatch(keepAlive: keepAlive, streamsBody: true, asksUpgrade: false, input: &input)
        } else {
            engine.sink = .collect
            engine.collectedKeepAlive = keepAlive
        }
    }

    /// Whether the handler would run the parser now (see `takeRequests`).
    private var canParse: Bool {
        !isOver && machine.input.isIdleOrHead && !machine.isBodyPaused && !engine.awaitingUpgrade
            && engine.owedCount < Self.maxPipelined
    }

    mutating func bodyArrives(_ input: inout FuzzInput) {
        guard !isOver, !machine.isBodyPaused, case .body(let framing) = machine.input else { return }
        engine.continueOutstanding = false
        if case .contentLength(let remaining) = framing, remaining > 1, input.bool() {
            machine.bodyReceived(remaining: input.int(in: 1...(remaining - 1)))
            return
        }
        machine.bodyCompleted()
        engine.bodyOwner = nil
        check(!machine.isReadingBody && !machine.isBodyPaused, "a completed body is still read: \(machine.input)")
        switch engine.sink {
        case .collect:
            // A body is collected only for a request not dispatched yet.
            guard let keepAlive = engine.collectedKeepAlive else { return check(false, "a collected body without its request") }
            engine.collectedKeepAlive = nil
            dispatch(keepAlive: keepAlive, streamsBody: false, asksUpgrade: false, input: &input)
        case .stream, .discard:
            engine.sink = .collect
        }
    }

    mutating func consumerLags() {
        guard !isOver, machine.isReadingBody, engine.sink == .stream, !machine.isBodyPaused else { return }
        machine.bodyPaused()
    }

    mutating func consumerResumes() {
        guard !isOver else { return }
        machine.bodyResumed(at: engine.now)
    }

    /// The parser refused a head (or its body is too large), or the chunked decoder refused
    /// a body: a Content-Length body is never refused once its head is taken.
    mutating func requestRefused() {
        guard !isOver, !machine.isBodyPaused, !engine.awaitingUpgrade else { return }
        switch machine.input {
        case .idle, .head, .body(.chunked): break
        case .body(.contentLength), .stopped: return
        }
        let streamed = engine.sink == .stream && machine.isReadingBody
        machine.requestRefused()
        check(!machine.isTakingRequests, "a refused request left the input taking requests: \(machine.input)")
        engine.sink = .collect
        engine.collectedKeepAlive = nil
        respondAndClose(replacingStreamedRequest: streamed)
        engine.bodyOwner = nil
    }
}
