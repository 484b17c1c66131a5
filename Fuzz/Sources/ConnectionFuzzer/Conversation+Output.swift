import FuzzSupport
@testable import ProntoCore

/// Writing, the timer, shutdown and closing, as `HTTPConnectionHandler+Writing` and the
/// handler's channel events do.
extension Conversation {
    /// The end of a read batch, or a response finishing outside one.
    mutating func flush() {
        let hadBytes = engine.hasBytes
        let wasOutput = machine.output
        let action = machine.flush(hasBytes: hadBytes, owed: engine.owedCount)
        switch action {
        case .nothing:
            check(!hadBytes || wasOutput.rank >= 2, "flush kept encoded output unwritten (\(wasOutput))")
        case .write:
            check(hadBytes, "a write with nothing encoded")
            check(machine.output == wasOutput && wasOutput.rank <= 1, "a write changed the output state \(wasOutput) -> \(machine.output)")
            engine.hasBytes = false
            if engine.upgradePending { engine.handedOff = true }
        case .writeAndClose, .close:
            check(action == .close || hadBytes, "writeAndClose with nothing encoded")
            check(engine.owedCount == 0, "closing with \(engine.owedCount) responses owed")
            check(wasOutput == .closeWhenFlushed && machine.output == .closing, "a close from \(wasOutput) to \(machine.output)")
            engine.hasBytes = false
            engine.closeRequested = true
        }
    }

    /// The connection's timer fires at its deadline, or later when the loop is busy.
    mutating func timerFires(late: UInt64) {
        guard !isOver, engine.timerDeadline != .max else { return }
        engine.now = max(engine.now, engine.timerDeadline) + late
        engine.timerDeadline = .max
        let input = machine.input, wasWritable = machine.isWritable, paused = machine.isBodyPaused
        let action = machine.timerFired(at: engine.now, owed: engine.owedCount)
        switch action {
        case nil:
            check(!wasWritable, "the timer of a writable connection gave nothing to do")
        case .rearm(let deadline)?:
            check(deadline > engine.now, "the timer re-armed at \(deadline), not after now \(engine.now): a busy loop")
            engine.arm(deadline)
        case .requestTimeout?:
            switch input {
            case .head: break
            case .body: check(!paused, "a paused body timed out")
            default: check(false, "a request timeout with no request arriving (\(input))")
            }
            check(machine.input == .stopped(.timeout), "after a request timeout the input is \(machine.input)")
            let streamed = engine.sink == .stream
            engine.sink = .collect
            engine.bodyOwner = nil
            engine.collectedKeepAlive = nil
            respondAndClose(replacingStreamedRequest: streamed)
        case .closeIdle?:
            check(engine.owedCount == 0, "closed as idle with \(engine.owedCount) responses owed")
            check(!input.isIdleOrHead || input == .idle, "closed as idle inside a head")
            channelCloses()
        case .closeSlowReader?:
            check(engine.outputBlocked && timeouts.write > 0, "closed as a slow reader with output not blocked")
            channelCloses()
        case .closeQuiesced?:
            check(machine.isQuiescing && machine.output == .closeWhenFlushed, "closeQuiesced with output \(machine.output)")
            flush()
        }
    }

    /// The socket stops taking output (the client does not read), or takes it again.
    mutating func outputBlocks(_ blocked: Bool) {
        guard !isOver else { return }
        if blocked { machine.outputBlocked(at: engine.now) } else { machine.outputUnblocked(at: engine.now) }
        engine.outputBlocked = blocked
        if blocked, timeouts.write > 0 { engine.arm(engine.now + timeouts.write) }
    }

    /// Graceful shutdown begins (the handler's `ChannelShouldQuiesceEvent`).
    mutating func quiesce() {
        guard !isOver else { return }
        apply(machine.quiesce(at: engine.now, owed: engine.owedCount))
    }

    mutating func finishQuiescing() {
        guard !isOver else { return }
        apply(machine.finishQuiescing(at: engine.now, owed: engine.owedCount))
    }

    private mutating func apply(_ action: ConnectionStateMachine.QuiesceAction) {
        switch action {
        case .nothing:
            break
        case .close:
            check(machine.output == .closeWhenFlushed && engine.owedCount == 0, "a quiesced close with output \(machine.output)")
            flush()
        case .wait(let until):
            check(until >= engine.now, "a linger that ended before now")
            engine.arm(until)
        }
    }

    /// The channel closed: by us after the last write, by the idle timeout, or by the client.
    mutating func channelCloses() {
        guard !engine.channelClosed else { return }
        machine.closed()
        engine.channelClosed = true
        check(!machine.isWritable && !machine.isTakingRequests, "a closed connection is \(machine.input), \(machine.output)")
        // What may still arrive after the close is ignored.
        check(machine.flush(hasBytes: true, owed: 0) == .nothing, "a closed connection flushes")
        check(machine.timerFired(at: engine.now &+ 1, owed: 0) == nil, "a closed connection's timer acts")
    }
}
