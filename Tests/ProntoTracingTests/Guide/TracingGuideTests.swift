import Logging
import Pronto
import ProntoTestSupport
import ProntoTesting
import ProntoTracing
import Testing
import Tracing

@Suite("Tracing guide")
struct TracingGuideTests {
    @Test("the guide shows the example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample(
            "Sources/ProntoTracing/ProntoTracing.docc/Tracing.md",
            from: "Tests/ProntoTracingTests/Guide/TracingGuideExample.swift", marker: "GUIDE EXAMPLE")
    }

    /// The example uses the process's tracer, as apps do: this test bootstraps it (once per
    /// test process; no other test reads the global tracer).
    @Test("the guide's example: the query span is a child of the request's, in the caller's trace")
    func guideExampleRuns() async throws {
        let (logger, records) = CapturingLogHandler.logger()
        InstrumentationSystem.bootstrap(LoggingTracer(logger: logger))
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        try await makeTracedApp(users: UserStore()).test(.live) { client async throws in
            #expect(try await client.get("/users/1", headers: [("traceparent", traceparent)]).bodyString == "Ada")
        }
        let lines = records.withLockedValue { $0 }
        let request = try #require(lines.first { $0.message == "GET /users/{id}" })
        let query = try #require(lines.first { $0.message == "SELECT users" })
        #expect(request.metadata["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(query.metadata["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(query.metadata["parent_span_id"] == request.metadata["span_id"])
        #expect(query.metadata["db.system.name"] == "postgresql")
    }
}
