import FuzzSupport
@testable import ProntoCore

/// Dispatching requests and encoding their responses in order, as
/// `HTTPConnectionHandler+Responses` does.
extension Conversation {
    mutating func dispatch(keepAlive requested: Bool, streamsBody: Bool, asksUpgrade: Bool, input: inout FuzzInput) {
        let wasIdle = machine.input == .idle
        let keepAlive = machine.dispatched(requestKeepAlive: requested)
        check(!keepAlive || requested, "dispatched keeps alive a request that asked to close")
        if !keepAlive && wasIdle {
            check(!machine.isTakingRequests, "the last request dispatched, yet requests are still taken")
        }
        if asksUpgrade { engine.awaitingUpgrade = true }
        // A 101 for a request that was the connection's last (`Connection: Upgrade, close`,
        // or one dispatched after the shutdown's linger) traps in `upgraded()` today: a known
        // finding of this fuzzer, reported to the engine's owner. Until it is fixed, such a
        // request is answered without switching here, so the rest is still explored.
        let switches = asksUpgrade && input.bool() && (keepAlive || !EngineModel.upgradeAfterLastRequestTraps)
        engine.nextID += 1
        if streamsBody, machine.isReadingBody { engine.bodyOwner = engine.nextID }
        let slot = EngineModel.Owed(id: engine.nextID, keepAlive: keepAlive, streamsBody: streamsBody, asksUpgrade: asksUpgrade, switches: switches)
        // A sync handler answers at once; an async one later (`handlerFinishes`).
        if input.bool(), engine.owed.isEmpty {
            encode(slot)
        } else {
            var slot = slot
            slot.isReady = input.byte() % 4 == 0
            engine.owed.append(slot)
            if slot.isReady { drainReady() }
        }
    }

    /// An async handler finished (the handler's `complete`): ignored once output is not writable.
    mutating func handlerFinishes(_ input: inout FuzzInput) {
        guard !isOver, machine.isWritable else { return }
        let waiting = engine.owed.indices.filter { !engine.owed[$0].isReady }
        guard !waiting.isEmpty else { return }
        engine.owed[waiting[input.int(in: 0...(waiting.count - 1))]].isReady = true
        drainReady()
    }

    /// Encodes every response that is ready, in order; then, while shutting down with
    /// nothing owed, the machine may decide to close.
    mutating func drainReady() {
        while let first = engine.owed.first, first.isReady {
            engine.owed.removeFirst()
            encode(first)
        }
        if engine.owedCount == 0 { finishQuiescing() }
    }

    mutating func encode(_ slot: EngineModel.Owed) {
        check(machine.output.rank <= 1, "a response encoded after the connection began closing (\(machine.output))")
        // Only the answer to the request whose body is arriving abandons that body. (Today's
        // engine tests `slot.streamsBody` alone, so the answer to an earlier streamed request
        // abandons the body of a later one: a finding of this fuzzer, reported; modelled
        // here as it should be.)
        let ownsBody = engine.bodyOwner == slot.id
        let abandonsBody = ownsBody && slot.streamsBody && machine.isReadingBody && engine.sink != .collect && abandonBody()
        if slot.asksUpgrade { engine.awaitingUpgrade = false }
        if slot.asksUpgrade, slot.switches {
            // `encodeUpgrade`: a 101 switches whatever the request's keep-alive said.
            machine.upgraded()
            check(!machine.isTakingRequests, "requests are still taken after a 101")
            engine.awaitingUpgrade = true
            engine.upgradePending = true
            engine.hasBytes = true
            return
        }
        let close = machine.closesAfter(
            keepAlive: slot.keepAlive && !abandonsBody, othersOwed: engine.owedCount, hasBufferedInput: engine.hasBufferedInput
        )
        engine.hasBytes = true
        guard close else { return }
        // Nothing may follow a response that says `Connection: close` (but a known finding).
        let knownFinding = EngineModel.refusalAfterClosingAnswerIsKnown && engine.owed.allSatisfy(\.followsAnsweredStream)
        check(engine.owedCount == 0 || knownFinding, "a response says Connection: close with \(engine.owedCount) responses still owed after it")
        machine.finalResponseEncoded()
        check(!machine.input.isIdleOrHead, "a request may still be taken after the last response: \(machine.input)")
    }

    /// The response to a request whose body is arriving was sent (see `abandonBody`).
    private mutating func abandonBody() -> Bool {
        engine.sink = .discard
        let tooMuchLeft: Bool
        switch machine.input {
        case .body(.contentLength(let remaining)): tooMuchLeft = remaining > 256 * 1024
        default: tooMuchLeft = true
        }
        if tooMuchLeft || engine.continueOutstanding {
            machine.bodyAbandoned()
            engine.bodyOwner = nil
            check(!machine.isTakingRequests && !machine.isBodyPaused, "an abandoned body is still read: \(machine.input)")
            return true
        }
        machine.bodyResumed(at: engine.now)
        return false
    }

    /// The engine answers a request itself (a 400, a 408) after every response owed, and closes.
    mutating func respondAndClose(replacingStreamedRequest: Bool) {
        if replacingStreamedRequest, let last = engine.owed.indices.last, engine.owed[last].streamsBody, !engine.owed[last].isReady {
            engine.owed[last].isReady = true
            engine.owed[last].keepAlive = false
            engine.owed[last].switches = false
            drainReady()
        } else {
            // (A streamed request answered already: the engine queues the 400 after its answer.)
            let afterAnswer = replacingStreamedRequest && engine.owed.last.map { $0.streamsBody && $0.isReady } == true
            let slot = EngineModel.Owed(
                keepAlive: false, streamsBody: false, asksUpgrade: false, isReady: true, isRefusal: true, followsAnsweredStream: afterAnswer
            )
            if engine.owed.isEmpty { encode(slot) } else { engine.owed.append(slot) }
        }
        flush()
    }
}
