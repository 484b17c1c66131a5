import InMemoryTracing
import Pronto
import ProntoTesting
import Testing
import Tracing
@testable import WorldApp

@Suite("World with tracing: each query a child of its request's span")
struct TracingTests {
    @Test("GET /db, /queries and /updates: the server span in the caller's trace, every query inside it", arguments: Backend.available)
    func queriesInRequestSpan(backend: Backend) async throws {
        let tracer = InMemoryTracer()
        let database = try await backend.open()
        let app = WorldRoutes.make(configuration: testConfiguration(), database: database, tracer: tracer)
        let caller = [(InMemoryTracer.traceIDKey, "caller-trace"), (InMemoryTracer.spanIDKey, "caller-span")]
        try await app.test(.live) { client async throws in
            #expect(try await client.get("/db", headers: caller).status == 200)
            #expect(try await client.get("/updates?queries=3").status == 200)
        }
        let spans = tracer.finishedSpans
        let db = try #require(spans.first { $0.operationName == "GET /db" })
        #expect(db.kind == .server)
        #expect(db.traceID == "caller-trace")
        #expect(db.parentSpanID == "caller-span")
        let select = try #require(spans.first { $0.operationName == "SELECT World" && $0.parentSpanID == db.spanID })
        #expect(select.kind == .client)
        #expect(select.traceID == "caller-trace")
        #expect(select.attributes.get("db.system.name") == .string(database.systemName))
        #expect(select.attributes.get("db.collection.name") == "World")

        let updates = try #require(spans.first { $0.operationName == "GET /updates" })
        #expect(updates.traceID != "caller-trace", "no incoming context: a trace of its own")
        let children = spans.filter { $0.parentSpanID == updates.spanID }.map(\.operationName)
        #expect(children == ["SELECT World", "UPDATE World"])
        let update = try #require(spans.first { $0.operationName == "UPDATE World" })
        #expect(update.attributes.get("db.operation.batch.size") == 3)
        #expect(update.traceID == updates.traceID)
    }
}
