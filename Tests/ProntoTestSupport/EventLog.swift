import NIOConcurrencyHelpers
import ProntoCore
import ProntoTesting

/// Strings appended from any thread.
public final class EventLog: Sendable {
    private let storage = NIOLockedValueBox<[String]>([])
    public func append(_ entry: String) { storage.withLockedValue { $0.append(entry) } }
    public var entries: [String] { storage.withLockedValue { $0 } }

    public init() {}

    /// Waits (bounded by the connection's timeout) until `entry` was appended, letting the
    /// in-process event loop run meanwhile.
    public func wait(for entry: String, connection: TestConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !entries.contains(entry) {
            guard ContinuousClock.now < deadline else { throw TestClientError("'\(entry)' was not logged within 5 s") }
            await connection.runPendingWork()
            await Task.yield()
        }
    }

    /// Waits (at most 5 s) until `count` entries were appended, letting the in-process event
    /// loop run meanwhile when a connection is given.
    public func wait(count: Int, connection: TestConnection? = nil) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while entries.count < count {
            guard ContinuousClock.now < deadline else { throw TestClientError("\(count) entries were not logged within 5 s: \(entries)") }
            await connection?.runPendingWork()
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
