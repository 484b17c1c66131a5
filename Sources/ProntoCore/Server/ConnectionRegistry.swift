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
    }

    private let state = NIOLockedValueBox(State())

    var count: Int { state.withLockedValue { $0.channels.count } }

    func add(_ channel: any Channel) {
        let quiescing = state.withLockedValue { state in
            state.channels[ObjectIdentifier(channel)] = channel
            return state.quiescing
        }
        // Removed when the channel closes, whoever owns the connection by then (HTTP, or
        // the protocol it was upgraded to): shutdown never waits for a closed channel.
        channel.closeFuture.whenComplete { _ in self.remove(channel) }
        // A connection accepted while the server was stopping is stopped as well.
        if quiescing { Self.quiesce(channel) }
    }

    func remove(_ channel: any Channel) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLockedValue { state in
            state.channels[ObjectIdentifier(channel)] = nil
            guard state.channels.isEmpty else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
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
