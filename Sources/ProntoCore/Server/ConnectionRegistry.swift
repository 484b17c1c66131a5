import CProntoSystem
import NIOConcurrencyHelpers
import NIOCore

/// The open connections of a server, for graceful shutdown: tell each to finish what it
/// has in flight, wait until all are closed, or close the rest at the deadline.
/// Touched once per connection (open and close), never per request.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var quiescing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The most connections open since the heap was last trimmed.
        var peak = 0
        var trimScheduled = false
    }

    /// After this many connections closed (and at least half of the peak), the heap's free
    /// pages go back to the system: glibc keeps what 10,000 closed connections freed, and
    /// the resident size would stay at its peak.
    static let trimThreshold = 1024

    private let state = NIOLockedValueBox(State())

    var count: Int { state.withLockedValue { $0.channels.count } }

    func add(_ channel: any Channel) {
        let quiescing = state.withLockedValue { state in
            state.channels[ObjectIdentifier(channel)] = channel
            state.peak = max(state.peak, state.channels.count)
            return state.quiescing
        }
        // Removed when the channel closes, whoever owns the connection by then (HTTP, or
        // the protocol it was upgraded to), by the listener's `AcceptLimiter`, which
        // watches every accepted channel's close: a second callback here would cost each
        // idle connection 130 bytes. It is added from the channel initializer, on the
        // channel's loop, before the channel is registered: nothing can have closed it yet.
        // A connection accepted while the server was stopping is stopped as well.
        if quiescing { Self.quiesce(channel) }
    }

    func remove(_ channel: any Channel) {
        let (waiters, trims): ([CheckedContinuation<Void, Never>], Bool) = state.withLockedValue { state in
            state.channels[ObjectIdentifier(channel)] = nil
            let closed = state.peak - state.channels.count
            let trims = !state.trimScheduled && closed >= Self.trimThreshold && closed >= state.peak / 2
            if trims { state.trimScheduled = true }
            guard state.channels.isEmpty else { return ([], trims) }
            defer { state.waiters = [] }
            return (state.waiters, trims)
        }
        for waiter in waiters { waiter.resume() }
        if trims { scheduleTrim(on: channel.eventLoop) }
    }

    /// Trims the heap a moment later, off the event loops: the closing connections' memory
    /// is freed once NIO has run their close callbacks, and a trim walks the whole heap.
    private func scheduleTrim(on loop: any EventLoop) {
        loop.scheduleTask(in: .seconds(1)) {
            Task.detached(priority: .background) {
                _ = pronto_trim_heap()
                self.state.withLockedValue { state in
                    state.trimScheduled = false
                    state.peak = state.channels.count
                }
            }
        }
    }

    func quiesceAll() {
        let channels = state.withLockedValue { state in
            state.quiescing = true
            return Array(state.channels.values)
        }
        for channel in channels { Self.quiesce(channel) }
    }

    func closeAll() {
        let channels = state.withLockedValue { Array($0.channels.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let empty = state.withLockedValue { state in
                if state.channels.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if empty { continuation.resume() }
        }
    }

    private static func quiesce(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
