import FuzzSupport
@testable import ProntoCore

// The connection state machine driven through whole conversations decoded from the input:
// bytes arriving, heads started and completed, bodies received, paused, resumed and
// abandoned, requests dispatched and refused, handlers finishing out of order, responses
// encoded in order, flushes, the timer firing on time or late, graceful shutdown and the
// channel closing. Every event is one the engine can report in that state (see
// `Conversation`), so the machine must never trap, and after each one its invariants must
// hold (see `checkInvariants`).

/// The test libFuzzer runs on each input (see main.swift).
func fuzzConnection(_ bytes: UnsafeRawBufferPointer) {
    var input = FuzzInput(bytes)
    var conversation = Conversation(&input)
    var steps = 0
    while !input.isAtEnd, !conversation.isOver, steps < 400 {
        steps += 1
        let before = conversation.snapshot
        conversation.step(&input)
        trace("  -> \(conversation.machine.input), \(conversation.machine.output), owed \(conversation.engine.owed.map { "\($0.keepAlive ? "k" : "c")\($0.isReady ? "r" : "")\($0.streamsBody ? "s" : "")" }), now \(conversation.engine.now)")
        conversation.checkInvariants(since: before)
    }
}

extension Conversation {
    /// What the invariants compare from one step to the next.
    struct Snapshot {
        var input: ConnectionStateMachine.Input
        var output: ConnectionStateMachine.Output
        var isQuiescing: Bool
    }

    var snapshot: Snapshot { Snapshot(input: machine.input, output: machine.output, isQuiescing: machine.isQuiescing) }

    mutating func step(_ input: inout FuzzInput) {
        let event = input.byte() % 16
        trace("event \(event)")
        switch event {
        case 0: bytesArrive(input.int(in: 1...70_000), more: input.bool())
        case 1: headStarts()
        case 2, 3: headCompletes(&input)
        case 4, 5: bodyArrives(&input)
        case 6: consumerLags()
        case 7: consumerResumes()
        case 8: requestRefused()
        case 9, 10: handlerFinishes(&input)
        case 11: flush()
        case 12: timerFires(late: input.bool() ? 0 : UInt64(input.int(in: 0...2000)))
        case 13:
            if input.bool() { engine.now += UInt64(input.int(in: 0...1500)) } else { outputBlocks(input.bool()) }
        case 14: quiesce()
        default:
            // The client goes away, or our graceful close completes.
            if engine.closeRequested || input.byte() % 8 == 0 { channelCloses() }
        }
    }

    /// What must hold after every event.
    func checkInvariants(since before: Snapshot) {
        let input = machine.input, output = machine.output
        check(output.rank >= before.output.rank, "output went back: \(before.output) -> \(output)")
        if case .stopped = before.input {
            check(!machine.isTakingRequests, "a stopped input takes requests again: \(before.input) -> \(input)")
        }
        // (Once closed, nothing reads the flag.)
        check(!machine.isBodyPaused || machine.isReadingBody || output == .closed, "paused with no body arriving (\(input))")
        check(output == .open || !input.isIdleOrHead, "output \(output) while the input still takes requests (\(input))")
        check(!before.isQuiescing || machine.isQuiescing, "a shutdown was forgotten")
        if output == .closed { check(!machine.isTakingRequests && !machine.isWritable, "closed but \(input)") }
        checkTimerDecides()
    }

    /// Liveness: a connection that owes nothing and waits for nothing of ours is closed by
    /// its timer, fired at the instants it asks for, within a few firings (on a copy).
    func checkTimerDecides() {
        guard !isOver, engine.owedCount == 0, !machine.isBodyPaused, machine.isWritable else { return }
        var copy = machine
        var now = engine.now
        for _ in 0..<8 {
            switch copy.timerFired(at: now, owed: 0) {
            case .rearm(let deadline)?:
                check(deadline > now, "re-armed at \(deadline), not after \(now)")
                now = deadline
            default:
                return
            }
        }
        check(false, "the timer of \(machine.input), \(machine.output) re-arms for ever")
    }
}
