@testable import ProntoCore
import Testing

/// The reaper's rules for slow clients, event by event: a body that trickles in, a client
/// that does not read what it asked for.
@Suite("Connection state machine: slow clients")
struct SlowClientStateTests {
    static let second: UInt64 = 1_000_000_000
    /// 1 KiB/s after 10 s, a 10 s pause at most, 30 s of blocked output.
    static let timeouts = ConnectionStateMachine.Timeouts(
        idle: 60 * second, requestHead: 10 * second, bodyBytesPerSecond: 1024, bodyRateGrace: 10 * second, write: 30 * second
    )

    func machine() -> ConnectionStateMachine {
        ConnectionStateMachine(now: 1_000 * Self.second, timeouts: Self.timeouts)
    }

    @Test("a body trickling in without ever pausing 10 s falls below the minimum rate: 408")
    func trickledBody() {
        var m = machine()
        m.headCompleted(body: .contentLength(remaining: 1_000_000))
        // A byte every 5 s: the pause rule alone would wait for ever.
        var now = 1_000 * Self.second
        var action: ConnectionStateMachine.TimerAction?
        for _ in 0..<10 {
            now += 5 * Self.second
            action = m.timerFired(at: now, owed: 0)
            if action == .requestTimeout { break }
            m.bytesArrived(1, at: now)
        }
        // Due at 1_000 s + 10 s grace + 2 bytes / 1024 B/s: the timer at 1_010 s re-arms to
        // just past it, the one at 1_015 s times out.
        #expect(action == .requestTimeout)
        #expect(now == 1_015 * Self.second)
        #expect(m.input == .stopped(.timeout))
    }

    @Test("the rate deadline is the grace period plus the time the bytes received allow")
    func rateDeadline() {
        var m = machine()
        m.headCompleted(body: .chunked)
        m.bytesArrived(2048, at: 1_001 * Self.second)
        // The pause rule says 1_011 s; the rate rule 1_000 + 10 + 2 = 1_012 s.
        let r1 = m.timerFired(at: 1_001 * Self.second, owed: 0)
        #expect(r1 == .rearm(at: 1_011 * Self.second))
        m.bytesArrived(2048, at: 1_009 * Self.second)
        let r2 = m.timerFired(at: 1_010 * Self.second, owed: 0)
        #expect(r2 == .rearm(at: 1_014 * Self.second), "4 KiB buy 4 s after the grace period")
        let r3 = m.timerFired(at: 1_014 * Self.second, owed: 0)
        #expect(r3 == .requestTimeout)
    }

    @Test("a fast start buys time: a big body sent at once may then pause")
    func fastStart() {
        var m = machine()
        m.headCompleted(body: .contentLength(remaining: 2_000_000))
        m.bytesArrived(1_000_000, at: 1_000 * Self.second)
        m.bytesArrived(1, at: 1_009 * Self.second)
        let r1 = m.timerFired(at: 1_015 * Self.second, owed: 0)
        #expect(r1 == .rearm(at: 1_019 * Self.second), "only the pause rule applies")
    }

    @Test("a body paused by a lagging consumer counts its rate afresh from the resume")
    func pausedBody() {
        var m = machine()
        m.headCompleted(body: .chunked)
        m.bodyPaused()
        let r1 = m.timerFired(at: 1_100 * Self.second, owed: 0)
        #expect(r1 == .rearm(at: 1_110 * Self.second), "a paused body is not the client's fault")
        m.bodyResumed(at: 1_100 * Self.second)
        let r2 = m.timerFired(at: 1_105 * Self.second, owed: 0)
        #expect(r2 == .rearm(at: 1_110 * Self.second))
    }

    @Test("without a minimum rate only pauses count")
    func noMinimum() {
        var timeouts = Self.timeouts
        timeouts.bodyBytesPerSecond = 0
        var m = ConnectionStateMachine(now: 1_000 * Self.second, timeouts: timeouts)
        m.headCompleted(body: .chunked)
        for step in 1...20 { m.bytesArrived(1, at: (1_000 + UInt64(step) * 5) * Self.second) }
        let r1 = m.timerFired(at: 1_100 * Self.second, owed: 0)
        #expect(r1 == .rearm(at: 1_110 * Self.second))
    }

    @Test("output blocked for the write timeout closes the connection; reading in time does not")
    func slowReader() {
        var m = machine()
        m.headCompleted(body: nil)
        _ = m.dispatched(requestKeepAlive: true)
        m.outputBlocked(at: 1_001 * Self.second)
        let r1 = m.timerFired(at: 1_020 * Self.second, owed: 0)
        #expect(r1 == .rearm(at: 1_031 * Self.second))
        m.outputUnblocked(at: 1_030 * Self.second)
        let r2 = m.timerFired(at: 1_031 * Self.second, owed: 0)
        #expect(r2 == .rearm(at: 1_090 * Self.second), "reading counts as activity: idle from then")
        m.outputBlocked(at: 1_040 * Self.second)
        let r3 = m.timerFired(at: 1_070 * Self.second, owed: 0)
        #expect(r3 == .closeSlowReader)
    }

    @Test("a connection is not idle while its output is blocked: the write timeout decides")
    func blockedIsNotIdle() {
        var timeouts = Self.timeouts
        timeouts.idle = 5 * Self.second
        var m = ConnectionStateMachine(now: 1_000 * Self.second, timeouts: timeouts)
        m.headCompleted(body: nil)
        _ = m.dispatched(requestKeepAlive: true)
        m.outputBlocked(at: 1_001 * Self.second)
        let r1 = m.timerFired(at: 1_010 * Self.second, owed: 0)
        #expect(r1 == .rearm(at: 1_031 * Self.second))
    }

    @Test("a last response the client does not read is closed at the write timeout")
    func blockedWhileClosing() {
        var m = machine()
        _ = m.dispatched(requestKeepAlive: false)
        m.finalResponseEncoded()
        let r1 = m.flush(hasBytes: true, owed: 0)
        #expect(r1 == .writeAndClose)
        #expect(m.timerFired(at: 1_001 * Self.second, owed: 0) == nil, "nothing to watch while the output flows")
        m.outputBlocked(at: 1_002 * Self.second)
        let r2 = m.timerFired(at: 1_003 * Self.second, owed: 0)
        #expect(r2 == .rearm(at: 1_032 * Self.second))
        let r3 = m.timerFired(at: 1_032 * Self.second, owed: 0)
        #expect(r3 == .closeSlowReader)
    }
}

extension SlowClientStateTests {
    @Test("10 bytes a second with a 2 s pause limit: the timer chain reaches the rate deadline, 10.01 s after the head")
    func timerChain() {
        var timeouts = Self.timeouts
        timeouts.requestHead = 2 * Self.second
        var m = ConnectionStateMachine(now: 0, timeouts: timeouts)
        m.opened(at: 0)
        m.bytesArrived(60, at: 0)
        m.headCompleted(body: .contentLength(remaining: 100_000))
        var timer = m.bodyDeadline
        var nextByte = Self.second
        var result: (UInt64, ConnectionStateMachine.TimerAction)?
        while result == nil, timer < 30 * Self.second {
            if nextByte <= timer {
                m.bytesArrived(10, at: nextByte)
                nextByte += Self.second
                continue
            }
            switch m.timerFired(at: timer, owed: 0) {
            case .rearm(let at)?: timer = at
            case let action?: result = (timer, action)
            case nil: timer = .max
            }
        }
        #expect(result?.1 == .requestTimeout)
        #expect(result.map { $0.0 } == 10 * Self.second + 100 * Self.second / 1024, "\(result.map { Double($0.0) / 1e9 } ?? -1)")
    }
}
