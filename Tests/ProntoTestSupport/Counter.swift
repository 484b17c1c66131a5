import NIOConcurrencyHelpers

/// Counts calls across threads; a test can wait (bounded) until a count is reached.
public final class Counter: Sendable {
    private let state = NIOLockedValueBox<(value: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

    public init() {}

    public func increment() {
        let ready = state.withLockedValue { state in
            state.value += 1
            let value = state.value
            let ready = state.waiters.filter { $0.0 <= value }.map(\.1)
            state.waiters.removeAll { $0.0 <= value }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    public var count: Int { state.withLockedValue { $0.value } }

    /// Returns once the count is at least `target`, or throws after `seconds`.
    public func wait(until target: Int, seconds: Double = 5) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let reached = self.state.withLockedValue { state in
                        if state.value >= target { return true }
                        state.waiters.append((target, continuation))
                        return false
                    }
                    if reached { continuation.resume() }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw CounterTimeout(target: target)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    public struct CounterTimeout: Error { let target: Int }
}
