import NIOConcurrencyHelpers

/// Counts calls across threads; a test can wait (bounded) until a count is reached.
public final class Counter: Sendable {
    private let value = NIOLockedValueBox(0)

    public init() {}

    public func increment() {
        value.withLockedValue { $0 += 1 }
    }

    public var count: Int { value.withLockedValue { $0 } }

    /// Returns once the count is at least `target`, or throws after `seconds`.
    ///
    /// Polled: a continuation raced against a timeout in a task group would hang the test
    /// when the timeout wins, since the group waits for its children and a continuation
    /// nobody resumes cannot be cancelled.
    public func wait(until target: Int, seconds: Double = 5) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while count < target {
            guard ContinuousClock.now < deadline else { throw CounterTimeout(target: target, count: count) }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    public struct CounterTimeout: Error { let target: Int; let count: Int }
}
