import Foundation
import NIOConcurrencyHelpers
import Pronto

/// `GET /sse/clock`: every subscriber gets the same event once a second, the send time in
/// Unix milliseconds (a broadcast, as a chat or a live dashboard does). `pronto-bench events`
/// holds 1,000 of these open and measures how late each event arrives.
final class ClockBroadcast: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<Double>.Continuation] = [:]
        var nextID = 0
        var ticker: Task<Void, Never>?
    }

    private let state = NIOLockedValueBox(State())
    let interval: Duration

    init(interval: Duration = .seconds(1)) {
        self.interval = interval
    }

    /// Registers `/sse/clock` and starts ticking when the app starts (stopped at shutdown).
    func add(to app: App) {
        app.onStartup { _ in self.start() }
        app.onShutdown { _ in self.stop() }
        app.get("/sse/clock") { _ in
            Response.eventStream(heartbeat: nil) { events in
                let (id, ticks) = self.subscribe()
                defer { self.unsubscribe(id) }
                for await sent in ticks {
                    // The time the tick was sent, so the client can tell how late it arrived.
                    try await events.send(ServerSentEvent(data: String(format: "%.3f", sent)))
                }
            }
        }
    }

    private func subscribe() -> (Int, AsyncStream<Double>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Double.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLockedValue { state in
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            return state.nextID
        }
        return (id, stream)
    }

    private func unsubscribe(_ id: Int) {
        let continuation = state.withLockedValue { $0.subscribers.removeValue(forKey: id) }
        continuation?.finish()
    }

    private func start() {
        let interval = self.interval
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let now = Date().timeIntervalSince1970 * 1000
                let subscribers = self.state.withLockedValue { Array($0.subscribers.values) }
                for subscriber in subscribers { subscriber.yield(now) }
            }
        }
        state.withLockedValue { $0.ticker = ticker }
    }

    private func stop() {
        let (ticker, subscribers) = state.withLockedValue { state in
            defer { state.subscribers = [:] }
            return (state.ticker, Array(state.subscribers.values))
        }
        ticker?.cancel()
        for subscriber in subscribers { subscriber.finish() }
    }
}
