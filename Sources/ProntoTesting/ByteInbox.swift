import Dispatch
import NIOConcurrencyHelpers

/// Bytes a test connection received, and whether the server closed it; readers wait
/// for the next change with a bound, so a test never hangs.
final class ByteInbox: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var closed = false
        var waiter: CheckedContinuation<Void, any Error>?
        var generation = 0
        var deliveries = 0
        var reads = 0
    }

    private let state = NIOLockedValueBox(State())

    func deliver(_ bytes: some Sequence<UInt8>) {
        let waiter = state.withLockedValue { state in
            state.bytes.append(contentsOf: bytes)
            state.deliveries += 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func close() {
        let waiter = state.withLockedValue { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The server asked its channel to read from the socket (in-process).
    func countRead() { state.withLockedValue { $0.reads += 1 } }

    /// How many reads the server asked for.
    var reads: Int { state.withLockedValue { $0.reads } }

    /// How many times bytes were delivered.
    var deliveries: Int { state.withLockedValue { $0.deliveries } }

    /// Takes the bytes received so far.
    func take() -> (bytes: [UInt8], closed: Bool) {
        state.withLockedValue { state in
            defer { state.bytes = [] }
            return (state.bytes, state.closed)
        }
    }

    /// Returns when bytes arrive or the connection closes; throws after `seconds`.
    func waitForChange(seconds: Double) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let generation: Int? = state.withLockedValue { state in
                if !state.bytes.isEmpty || state.closed { return nil }
                state.generation += 1
                state.waiter = continuation
                return state.generation
            }
            guard let generation else {
                continuation.resume()
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                let expired = self.state.withLockedValue { state -> CheckedContinuation<Void, any Error>? in
                    guard state.generation == generation, let waiter = state.waiter else { return nil }
                    state.waiter = nil
                    return waiter
                }
                expired?.resume(throwing: TestClientError("no response from the server within \(seconds) s"))
            }
        }
    }
}
