@testable import ProntoCore
import Testing

/// The connection's states and transitions, event by event, without a channel or a clock.
@Suite("Connection state machine")
struct ConnectionStateMachineTests {
    static let second: UInt64 = 1_000_000_000
    static let timeouts = ConnectionStateMachine.Timeouts(idle: 60 * second, requestHead: 10 * second)

    func machine(at now: UInt64 = 1_000 * second) -> ConnectionStateMachine {
        ConnectionStateMachine(now: now, timeouts: Self.timeouts)
    }

    @Test("a new connection is idle and open; its first deadline is the shorter timeout")
    func initial() {
        let m = machine()
        #expect(m.input == .idle)
        #expect(m.output == .open)
        #expect(m.isTakingRequests && !m.isReadingBody && m.isWritable && !m.isQuiescing)
        #expect(m.firstDeadline == 1_010 * Self.second)
    }

    @Test("keep-alive request without a body: idle → head → idle, the connection stays open")
    func keepAliveRequest() {
        var m = machine()
        m.bytesArrived(1, at: 1_001 * Self.second)
        let r1 = m.headStarted()
        #expect(r1 == 1_011 * Self.second)
        #expect(m.input == .head(startedAt: 1_001 * Self.second))
        let r2 = m.headStarted()
        #expect(r2 == nil, "a head that had begun keeps its deadline")
        m.headCompleted(body: nil)
        #expect(m.input == .idle)
        let r3 = m.dispatched(requestKeepAlive: true)
        #expect(r3)
        #expect(m.input == .idle)
        #expect(!m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: false))
        let r4 = m.flush(hasBytes: true, owed: 0)
        #expect(r4 == .write)
        let r5 = m.flush(hasBytes: false, owed: 0)
        #expect(r5 == .nothing)
    }

    @Test("Content-Length body: received in parts, then the request is dispatched")
    func contentLengthBody() {
        var m = machine()
        m.headCompleted(body: .contentLength(remaining: 10))
        #expect(m.isReadingBody)
        m.bodyReceived(remaining: 4)
        #expect(m.input == .body(.contentLength(remaining: 4)))
        m.bodyCompleted()
        #expect(m.input == .idle)
        let r6 = m.dispatched(requestKeepAlive: true)
        #expect(r6)
    }

    @Test("Connection: close: no request after it; close once nothing is owed and the output is written")
    func lastRequest() {
        var m = machine()
        m.headCompleted(body: nil)
        let r7 = m.dispatched(requestKeepAlive: false)
        #expect(!r7)
        #expect(m.input == .stopped(.lastRequest))
        #expect(!m.isTakingRequests)
        #expect(m.closesAfter(keepAlive: false, othersOwed: 0, hasBufferedInput: false))
        m.finalResponseEncoded()
        #expect(m.output == .closeWhenFlushed)
        let r8 = m.flush(hasBytes: true, owed: 1)
        #expect(r8 == .write, "responses still owed before the last: keep writing")
        #expect(m.output == .closeWhenFlushed)
        let r9 = m.flush(hasBytes: true, owed: 0)
        #expect(r9 == .writeAndClose)
        #expect(m.output == .closing)
        #expect(!m.isWritable)
        let r10 = m.flush(hasBytes: true, owed: 0)
        #expect(r10 == .nothing, "nothing is written after the last response")
    }

    @Test("a final response with nothing left to write closes at once")
    func closeWithoutBytes() {
        var m = machine()
        m.headCompleted(body: nil)
        _ = m.dispatched(requestKeepAlive: false)
        m.finalResponseEncoded()
        let r11 = m.flush(hasBytes: false, owed: 0)
        #expect(r11 == .close)
    }

    @Test("a refused request stops the input from any receiving state", arguments: ["idle", "head", "body"])
    func refused(from: String) {
        var m = machine()
        if from == "head" { _ = m.headStarted() }
        if from == "body" { m.headCompleted(body: .chunked) }
        m.requestRefused()
        #expect(m.input == .stopped(.badRequest))
        #expect(!m.isTakingRequests)
    }

    @Test("timer: a head not complete within requestHeadTimeout is a request timeout")
    func headTimeout() {
        var m = machine()
        _ = m.headStarted()
        let r12 = m.timerFired(at: 1_005 * Self.second, owed: 0)
        #expect(r12 == .rearm(at: 1_010 * Self.second))
        // Bytes trickling in do not extend a head's deadline (slowloris).
        m.bytesArrived(1, at: 1_009 * Self.second)
        let r13 = m.timerFired(at: 1_010 * Self.second, owed: 0)
        #expect(r13 == .requestTimeout)
        #expect(m.input == .stopped(.timeout))
    }

    @Test("timer: a body pausing longer than requestHeadTimeout is a request timeout")
    func bodyTimeout() {
        var m = machine()
        m.headCompleted(body: .contentLength(remaining: 5))
        m.bytesArrived(1, at: 1_004 * Self.second)
        let r14 = m.timerFired(at: 1_010 * Self.second, owed: 0)
        #expect(r14 == .rearm(at: 1_014 * Self.second))
        let r15 = m.timerFired(at: 1_014 * Self.second, owed: 0)
        #expect(r15 == .requestTimeout)
    }

    @Test("timer: idle keep-alive connections close after idleTimeout; busy ones are not idle")
    func idleTimeout() {
        var m = machine()
        m.headCompleted(body: nil)
        _ = m.dispatched(requestKeepAlive: true)
        let r16 = m.timerFired(at: 1_100 * Self.second, owed: 1)
        #expect(r16 == .rearm(at: 1_160 * Self.second), "a handler still running is not the client's fault")
        let r17 = m.timerFired(at: 1_030 * Self.second, owed: 0)
        #expect(r17 == .rearm(at: 1_060 * Self.second))
        let r18 = m.timerFired(at: 1_060 * Self.second, owed: 0)
        #expect(r18 == .closeIdle)
    }

    @Test("timer: a connection with no complete request head yet (nothing sent, or only blank lines) waits only requestHeadTimeout from its opening")
    func nothingSent() {
        var m = machine()
        m.opened(at: 1_000 * Self.second)
        m.bytesArrived(1, at: 1_009 * Self.second)  // a lone CRLF: no head started
        #expect(m.timerFired(at: 1_005 * Self.second, owed: 0) == .rearm(at: 1_010 * Self.second))
        #expect(m.timerFired(at: 1_010 * Self.second, owed: 0) == .closeIdle, "blank lines do not buy time")
        // After a first request, the keep-alive wait is the idle timeout.
        var served = machine()
        served.opened(at: 1_000 * Self.second)
        served.headCompleted(body: nil)
        _ = served.dispatched(requestKeepAlive: true)
        #expect(served.timerFired(at: 1_010 * Self.second, owed: 0) == .rearm(at: 1_060 * Self.second))
    }

    @Test("timer: nothing to do once the connection is closing")
    func timerWhileClosing() {
        var m = machine()
        m.headCompleted(body: nil)
        _ = m.dispatched(requestKeepAlive: false)
        m.finalResponseEncoded()
        _ = m.flush(hasBytes: true, owed: 0)
        let r19 = m.timerFired(at: 2_000 * Self.second, owed: 0)
        #expect(r19 == nil)
    }

    @Test("shutdown without a linger: an idle connection takes no more requests and closes once written")
    func quiesceIdleAtOnce() {
        var m = machine()
        let r20 = m.quiesce(at: 1_000 * Self.second, owed: 0)
        #expect(r20 == .close)
        #expect(m.input == .stopped(.shutdown))
        #expect(m.output == .closeWhenFlushed)
        let r21 = m.flush(hasBytes: false, owed: 0)
        #expect(r21 == .close)
    }

    static let lingering = ConnectionStateMachine.Timeouts(idle: 60 * second, requestHead: 10 * second, shutdownLinger: second)

    func lingeringMachine() -> ConnectionStateMachine {
        var m = ConnectionStateMachine(now: 1_000 * Self.second, timeouts: Self.lingering)
        m.headCompleted(body: nil)  // a keep-alive connection that was answered once
        _ = m.dispatched(requestKeepAlive: true)
        return m
    }

    @Test("shutdown with a linger: an idle connection waits for a request on the wire, then closes")
    func quiesceIdleLingers() {
        var m = lingeringMachine()
        let start = 1_001 * Self.second
        let r1 = m.quiesce(at: start, owed: 0)
        #expect(r1 == .wait(until: start + Self.second))
        #expect(m.isTakingRequests && m.output == .open)
        let r2 = m.timerFired(at: start + Self.second / 2, owed: 0)
        #expect(r2 == .rearm(at: start + Self.second))
        let r3 = m.timerFired(at: start + Self.second, owed: 0)
        #expect(r3 == .closeQuiesced)
        #expect(m.input == .stopped(.shutdown))
        let r4 = m.flush(hasBytes: false, owed: 0)
        #expect(r4 == .close)
    }

    @Test("a request arriving during the linger is answered, with close, and is the last")
    func requestDuringLinger() {
        var m = lingeringMachine()
        _ = m.quiesce(at: 1_001 * Self.second, owed: 0)
        m.bytesArrived(1, at: 1_001 * Self.second + 300_000_000)
        _ = m.headStarted()
        m.headCompleted(body: nil)
        let r1 = m.dispatched(requestKeepAlive: true)
        #expect(r1, "the response decides, when it is encoded")
        #expect(m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: false))
        m.finalResponseEncoded()
        #expect(m.input == .stopped(.shutdown), "nothing is taken after the last response")
        let r2 = m.flush(hasBytes: true, owed: 0)
        #expect(r2 == .writeAndClose)
    }

    @Test("shutdown finishes a half-received head and answers it")
    func quiescePartialHead() {
        var m = lingeringMachine()
        _ = m.headStarted()
        let r1 = m.quiesce(at: 1_001 * Self.second, owed: 0)
        #expect(r1 == .wait(until: 1_002 * Self.second))
        #expect(m.input == .head(startedAt: 1_000 * Self.second), "the head goes on arriving")
        let r2 = m.timerFired(at: 1_002 * Self.second, owed: 0)
        #expect(r2 == .rearm(at: 1_010 * Self.second), "past the linger, the head keeps its own deadline")
        m.headCompleted(body: nil)
        _ = m.dispatched(requestKeepAlive: true)
        #expect(m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: false))
    }

    @Test("requests buffered at shutdown are answered; the last one closes")
    func quiesceBufferedRequests() {
        var m = lingeringMachine()
        _ = m.quiesce(at: 1_001 * Self.second, owed: 0)
        m.headCompleted(body: nil)
        _ = m.dispatched(requestKeepAlive: true)
        #expect(!m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: true), "another request is buffered")
        m.headCompleted(body: nil)
        _ = m.dispatched(requestKeepAlive: true)
        #expect(m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: false))
    }

    @Test("once the linger is over, a client still pipelining gets close on the next response")
    func lingerOverStopsPipelining() {
        var m = lingeringMachine()
        _ = m.quiesce(at: 1_001 * Self.second, owed: 1)
        let r1 = m.timerFired(at: 1_002 * Self.second, owed: 1)
        #expect(r1 == .rearm(at: 1_062 * Self.second))
        #expect(m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: true))
        m.headCompleted(body: nil)
        let r2 = m.dispatched(requestKeepAlive: true)
        #expect(!r2, "no request is taken after this one")
        #expect(m.input == .stopped(.lastRequest))
    }

    @Test("shutdown with work in flight: it finishes, its last response closes, then the connection")
    func quiesceBusy() {
        var m = machine()
        m.headCompleted(body: nil)
        let r23 = m.dispatched(requestKeepAlive: true)
        #expect(r23)
        let r24 = m.quiesce(at: 1_000 * Self.second, owed: 1)
        #expect(r24 == .wait(until: 1_000 * Self.second), "a response is owed: not yet")
        #expect(m.isQuiescing)
        #expect(m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: false), "the last response owed says Connection: close")
        #expect(!m.closesAfter(keepAlive: true, othersOwed: 1, hasBufferedInput: false))
        m.finalResponseEncoded()
        let r25 = m.finishQuiescing(at: 1_000 * Self.second, owed: 0)
        #expect(r25 == .nothing, "already closing after the final response")
        let r26 = m.flush(hasBytes: true, owed: 0)
        #expect(r26 == .writeAndClose)
    }

    @Test("shutdown while a body arrives: the request is finished first, and answered with close")
    func quiesceDuringBody() {
        var m = lingeringMachine()
        m.headCompleted(body: .chunked)
        let r27 = m.quiesce(at: 1_001 * Self.second, owed: 0)
        #expect(r27 == .wait(until: 1_002 * Self.second))
        #expect(!m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: false), "a body is arriving: that request is still owed")
        m.bodyCompleted()
        _ = m.dispatched(requestKeepAlive: true)
        #expect(m.closesAfter(keepAlive: true, othersOwed: 0, hasBufferedInput: false))
        m.finalResponseEncoded()
        #expect(m.input == .stopped(.shutdown))
    }

    @Test("the channel closing ends everything")
    func closed() {
        var m = machine()
        m.closed()
        #expect(m.input == .stopped(.closed))
        #expect(m.output == .closed)
        let r29 = m.flush(hasBytes: true, owed: 0)
        #expect(r29 == .nothing)
        let r30 = m.timerFired(at: 5_000 * Self.second, owed: 0)
        #expect(r30 == nil)
    }

    @Test("an illegal transition is a precondition failure (Pronto's own bug), not a silent desync")
    func illegalTransitions() async {
        await #expect(processExitsWith: .failure) {
            var m = ConnectionStateMachine(now: 0, timeouts: .init(idle: 1, requestHead: 1))
            m.bodyCompleted()  // no body is being read
        }
        await #expect(processExitsWith: .failure) {
            var m = ConnectionStateMachine(now: 0, timeouts: .init(idle: 1, requestHead: 1))
            m.headCompleted(body: .chunked)
            m.headCompleted(body: nil)  // a head cannot complete in the middle of a body
        }
        await #expect(processExitsWith: .failure) {
            var m = ConnectionStateMachine(now: 0, timeouts: .init(idle: 1, requestHead: 1))
            m.headCompleted(body: nil)
            _ = m.dispatched(requestKeepAlive: false)
            _ = m.headStarted()  // no request is taken after the last one
        }
    }
}
