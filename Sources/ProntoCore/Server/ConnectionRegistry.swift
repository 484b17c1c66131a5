import CProntoSystem
import NIOConcurrencyHelpers
import NIOCore

/// The open connections of a server, for graceful shutdown: tell each to finish what it
/// has in flight, wait until all are closed, or close the rest at the deadline.
/// Touched once per connection (open and close), never per request.
///
/// The connections are an intrusive list of ``Entry`` objects, each the context of its
/// channel's one close callback: no dictionary beside them (80 bytes a connection at
/// 10,000) and no closure box.
final class ConnectionRegistry: Sendable {
    /// One accepted connection: its link in the list, and its close callback's one capture
    /// (so the callback's context is the entry itself, with no box). 56 bytes: the links
    /// are read and written only under the registry's lock.
    final class Entry: @unchecked Sendable {
        let channel: any Channel
        fileprivate let source: Source
        fileprivate var next: Entry?
        // The list owns its entries through `next`; the back link does not retain.
        fileprivate unowned(unsafe) var previous: Entry?

        fileprivate init(channel: any Channel, source: Source) {
            self.channel = channel
            self.source = source
        }

        fileprivate func channelClosed() {
            source.registry.remove(self)
            source.closed?.connectionClosed()
        }
    }

    /// Where connections come from (a listener): what is told when one of them closes,
    /// after the registry forgot it. One per listener, shared by its connections' entries.
    final class Source: Sendable {
        fileprivate let registry: ConnectionRegistry
        fileprivate let closed: (any ClosedListener)?

        fileprivate init(registry: ConnectionRegistry, closed: (any ClosedListener)?) {
            self.registry = registry
            self.closed = closed
        }

        /// Registers a connection just accepted, until its channel closes. Once per channel.
        func add(_ channel: any Channel) {
            let entry = Entry(channel: channel, source: self)
            registry.link(entry)
            channel.closeFuture.whenComplete { _ in entry.channelClosed() }
        }
    }

    /// Told when a registered connection closes, on the connection's loop.
    protocol ClosedListener: AnyObject, Sendable {
        func connectionClosed()
    }

    private struct State {
        var first: Entry?
        var count = 0
        var quiescing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The most connections open since the heap was last trimmed.
        var peak = 0
        var trimScheduled = false

        mutating func link(_ entry: Entry) {
            entry.next = first
            first?.previous = entry
            first = entry
            count += 1
        }

        /// Called once per entry: its channel closes once.
        mutating func unlink(_ entry: Entry) {
            if let previous = entry.previous { previous.next = entry.next } else { first = entry.next }
            entry.next?.previous = entry.previous
            entry.next = nil
            entry.previous = nil
            count -= 1
        }

        var channels: [any Channel] {
            var channels: [any Channel] = []
            channels.reserveCapacity(count)
            var entry = first
            while let current = entry {
                channels.append(current.channel)
                entry = current.next
            }
            return channels
        }
    }

    /// After this many connections closed (and at least half of the peak), the heap's free
    /// pages go back to the system: glibc keeps what 10,000 closed connections freed, and
    /// the resident size would stay at its peak.
    static let trimThreshold = 1024

    private let state = NIOLockedValueBox(State())

    /// Connections accepted and not closed yet, including those waiting for a slot.
    var count: Int { state.withLockedValue { $0.count } }

    /// A source of connections (the listener's limiter) whose closes `closed` hears of.
    func source(closed: (any ClosedListener)?) -> Source {
        Source(registry: self, closed: closed)
    }

    private func link(_ entry: Entry) {
        state.withLockedValue { state in
            state.link(entry)
            state.peak = max(state.peak, state.count)
        }
    }

    /// The connection's handler is in its pipeline: a connection accepted while the server
    /// was stopping is stopped as well (an earlier ``quiesceAll()`` found no handler to tell).
    func connectionReady(_ channel: any Channel) {
        if state.withLockedValue({ $0.quiescing }) { Self.quiesce(channel) }
    }

    fileprivate func remove(_ entry: Entry) {
        let (waiters, trims): ([CheckedContinuation<Void, Never>], Bool) = state.withLockedValue { state in
            state.unlink(entry)
            let closed = state.peak - state.count
            let trims = !state.trimScheduled && closed >= Self.trimThreshold && closed >= state.peak / 2
            if trims { state.trimScheduled = true }
            guard state.count == 0 else { return ([], trims) }
            defer { state.waiters = [] }
            return (state.waiters, trims)
        }
        for waiter in waiters { waiter.resume() }
        if trims { scheduleTrim(on: entry.channel.eventLoop) }
    }

    /// Trims the heap a moment later, off the event loops: the closing connections' memory
    /// is freed once NIO has run their close callbacks, and a trim walks the whole heap.
    private func scheduleTrim(on loop: any EventLoop) {
        loop.scheduleTask(in: .seconds(1)) {
            Task.detached(priority: .background) {
                _ = pronto_trim_heap()
                self.state.withLockedValue { state in
                    state.trimScheduled = false
                    state.peak = state.count
                }
            }
        }
    }

    func quiesceAll() {
        let channels = state.withLockedValue { state in
            state.quiescing = true
            return state.channels
        }
        for channel in channels { Self.quiesce(channel) }
    }

    func closeAll() {
        let channels = state.withLockedValue { $0.channels }
        for channel in channels { channel.close(promise: nil) }
    }

    func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let empty = state.withLockedValue { state in
                if state.count == 0 { return true }
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
