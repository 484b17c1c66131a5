import Logging
import NIOConcurrencyHelpers
import Pronto
import ProntoTestSupport
import ProntoTesting
import ProntoTracing
import Testing
import Tracing
import W3CTraceContext

/// A log handler that keeps every record, for reading the spans back.
struct CapturingLogHandler: LogHandler {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    let records: NIOLockedValueBox<[Record]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let flat = (event.metadata ?? [:]).mapValues { "\($0)" }
        records.withLockedValue { $0.append(Record(level: event.level, message: "\(event.message)", metadata: flat)) }
    }

    static func logger() -> (Logger, NIOLockedValueBox<[Record]>) {
        let records = NIOLockedValueBox<[Record]>([])
        return (Logger(label: "spans") { _ in CapturingLogHandler(records: records) }, records)
    }
}

/// Collects headers an instrument injects.
private struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

@Suite("LoggingTracer: spans as log lines, W3C trace context")
struct LoggingTracerTests {
    static let callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpan = "00f067aa0ba902b7"
    static let traceparent = "00-\(callerTrace)-\(callerSpan)-01"

    static func app(_ tracer: LoggingTracer) -> App {
        let app = App(configuration: quietConfiguration())
        app.use(TracingMiddleware(tracer: tracer))
        app.get("/hello/{name}") { request async in
            // What an outgoing call would send on: this span's traceparent.
            var headers: [String: String] = [:]
            tracer.inject(ServiceContext.current ?? .topLevel, into: &headers, using: DictionaryInjector())
            await tracer.withSpan("SELECT greeting", ofKind: .client) { _ async in }
            return headers["traceparent"] ?? "none"
        }
        return app
    }

    @Test("traceparent in: the server span and the handler's child are in the caller's trace, and the child's parent is the server span")
    func propagation() async throws {
        let (logger, records) = CapturingLogHandler.logger()
        let tracer = LoggingTracer(logger: logger)
        var outgoing = ""
        try await Self.app(tracer).test(.live) { client async throws in
            outgoing = try await client.get("/hello/ada", headers: [("traceparent", Self.traceparent), ("tracestate", "vendor=1")]).bodyString
        }
        let lines = records.withLockedValue { $0 }
        let server = try #require(lines.first { $0.message == "GET /hello/{name}" })
        let query = try #require(lines.first { $0.message == "SELECT greeting" })
        #expect(server.level == .info)
        #expect(server.metadata["trace_id"] == Self.callerTrace)
        #expect(server.metadata["parent_span_id"] == Self.callerSpan)
        #expect(server.metadata["kind"] == "server")
        #expect(server.metadata["http.route"] == "/hello/{name}")
        #expect(server.metadata["http.response.status_code"] == "200")
        #expect(server.metadata["duration_us"].flatMap(Int.init) != nil)
        let serverSpan = try #require(server.metadata["span_id"])
        #expect(serverSpan.count == 16 && serverSpan != Self.callerSpan)
        #expect(query.metadata["trace_id"] == Self.callerTrace)
        #expect(query.metadata["parent_span_id"] == serverSpan)
        // Injected from inside the handler: the caller's trace, the server span as parent.
        #expect(outgoing == "00-\(Self.callerTrace)-\(serverSpan)-01")
    }

    @Test("no or an invalid traceparent: a new trace, no parent", arguments: [nil, "00-zz-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"])
    func newTrace(traceparent: String?) async throws {
        let (logger, records) = CapturingLogHandler.logger()
        let tracer = LoggingTracer(logger: logger, level: .debug)
        try await Self.app(tracer).test(.inProcess) { client async throws in
            _ = try await client.get("/hello/ada", headers: traceparent.map { [("traceparent", $0)] } ?? [])
        }
        let server = try #require(records.withLockedValue { $0 }.first { $0.message == "GET /hello/{name}" })
        #expect(server.level == .debug)
        let trace = try #require(server.metadata["trace_id"])
        #expect(trace.count == 32 && trace != Self.callerTrace && trace != String(repeating: "0", count: 32))
        #expect(server.metadata["parent_span_id"] == nil)
    }

    @Test("a span is logged once, with its status and errors; changes after the end are dropped")
    func endOnce() throws {
        let (logger, records) = CapturingLogHandler.logger()
        let tracer = LoggingTracer(logger: logger)
        let span = tracer.startSpan("work")
        span.attributes["answer"] = 42
        span.recordError(HTTPError(.badGateway, "upstream"))
        span.setStatus(SpanStatus(code: .error, message: "upstream failed"))
        span.end()
        span.attributes["late"] = true
        span.end()
        let lines = records.withLockedValue { $0 }
        try #require(lines.count == 1)
        #expect(lines[0].metadata["answer"] == "42")
        #expect(lines[0].metadata["late"] == nil)
        #expect(lines[0].metadata["status"] == "error: upstream failed")
        #expect(lines[0].metadata["errors"]?.contains("upstream") == true)
        #expect(!span.isRecording)
    }
}
