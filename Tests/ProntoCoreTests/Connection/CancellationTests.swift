import NIOConcurrencyHelpers
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Cancellation")
struct CancellationTests {
    /// Records what a handler saw when its connection went away.
    final class Observations: Sendable {
        let started = Counter()
        let cancelHandlerFired = Counter()
        let finished = Counter()
        private let sawCancelled = NIOLockedValueBox<Bool?>(nil)
        var isCancelledAfterwards: Bool? { sawCancelled.withLockedValue { $0 } }
        func record(isCancelled: Bool) { sawCancelled.withLockedValue { $0 = isCancelled } }
    }

    static func handler(_ seen: Observations) -> HTTPHandler {
        HTTPHandler { request in
            .async { _ in
                seen.started.increment()
                await withTaskCancellationHandler {
                    // Longer than the test's bounded waits (5 s): only cancellation ends it
                    // in time. Bounded, so a regression fails instead of hanging the suite.
                    try? await Task.sleep(for: .seconds(8))
                } onCancel: {
                    seen.cancelHandlerFired.increment()
                }
                seen.record(isCancelled: Task.isCancelled)
                seen.finished.increment()
                return .text("too late")
            }
        }
    }

    @Test("closing the connection cancels its running async handlers", arguments: bothModes)
    func closeCancels(mode: TestMode) async throws {
        let seen = Observations()
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler(seen)) { server in
            let connection = try await server.connect()
            try await connection.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\nGET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
            try await seen.started.wait(until: 2)
            await connection.close()
            if mode == .inProcess { await connection.runPendingWork() }
            try await seen.cancelHandlerFired.wait(until: 2)
            try await seen.finished.wait(until: 2)
            #expect(seen.isCancelledAfterwards == true)
        }
    }
}
