import InMemoryTracing
import Pronto
import ProntoTestSupport
import ProntoTesting
@testable import ProntoTracing
import Testing
import Tracing

private func runsInTask() -> Bool { withUnsafeCurrentTask { $0 != nil } }

private struct Teapot: Error {}

@Suite("TracingMiddleware: a server span per request, the handler inside it")
struct TracingMiddlewareTests {
    typealias Key = HTTPServerSpanAttributes

    static func app(_ tracer: InMemoryTracer) -> App {
        let app = App(configuration: quietConfiguration())
        app.use(TracingMiddleware(tracer: tracer))
        app.get("/hello/{name}") { request in "Hello, \(request.parameter("name") ?? "")! in task: \(runsInTask())" }
        // A child span, as a database client's query would make: started from
        // ServiceContext.current, in a sync route and across a suspension in an async one.
        app.get("/query") { _ in
            tracer.withSpan("SELECT 1", ofKind: .client) { _ in "queried" }
        }
        app.get("/query-async") { _ async in
            await Task.yield()
            return await tracer.withSpan("SELECT 2", ofKind: .client) { _ async in
                await Task.yield()
                return "queried"
            }
        }
        app.get("/forbidden") { _ -> String in throw HTTPError(.forbidden, "no") }
        app.get("/fails") { _ -> String in throw Teapot() }
        app.get("/unavailable") { _ in Response(status: .serviceUnavailable, body: .string("later")) }
        app.group("/api").get("/users/{id}") { request in request.parameter("id") ?? "" }
        return app
    }

    static func span(_ tracer: InMemoryTracer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> FinishedInMemorySpan {
        let spans = tracer.finishedSpans.filter { $0.operationName == name }
        try #require(spans.count == 1, "\(tracer.finishedSpans.map(\.operationName))", sourceLocation: sourceLocation)
        return spans[0]
    }

    @Test("a span named by method and route template, kind server, with the conventions' attributes; a sync route stays sync", arguments: TestMode.allCases)
    func serverSpan(mode: TestMode) async throws {
        let tracer = InMemoryTracer()
        try await Self.app(tracer).test(mode) { client async throws in
            let response = try await client.get("/hello/ada?greeting=hi", headers: [("User-Agent", "probe/1.0"), ("Host", "example.com:8080")])
            #expect(response.bodyString == "Hello, ada! in task: false")
            _ = try await client.get("/api/users/7")
        }
        let span = try Self.span(tracer, "GET /hello/{name}")
        #expect(span.kind == .server)
        #expect(span.parentSpanID == nil, "no incoming context: a new trace")
        #expect(span.attributes.get(Key.method) == "GET")
        #expect(span.attributes.get(Key.route) == "/hello/{name}")
        #expect(span.attributes.get(Key.urlPath) == "/hello/ada")
        #expect(span.attributes.get(Key.urlQuery) == "greeting=hi")
        #expect(span.attributes.get(Key.urlScheme) == "http")
        #expect(span.attributes.get(Key.statusCode) == 200)
        #expect(span.attributes.get(Key.protocolVersion) == "1.1")
        #expect(span.attributes.get(Key.userAgent) == "probe/1.0")
        #expect(span.attributes.get(Key.serverAddress) == "example.com")
        #expect(span.attributes.get(Key.serverPort) == 8080)
        if mode == .live { #expect(span.attributes.get(Key.clientAddress) == "127.0.0.1") }
        #expect(span.status == nil)
        #expect(try Self.span(tracer, "GET /api/users/{id}").attributes.get(Key.route) == "/api/users/{id}")
    }

    @Test("the incoming trace context (read by the tracer from the headers) is the span's parent")
    func extractsIncomingContext() async throws {
        let tracer = InMemoryTracer()
        try await Self.app(tracer).test(.inProcess) { client async throws in
            _ = try await client.get("/hello/ada", headers: [(InMemoryTracer.traceIDKey, "trace-from-caller"), (InMemoryTracer.spanIDKey, "span-of-caller")])
        }
        let span = try Self.span(tracer, "GET /hello/{name}")
        #expect(span.traceID == "trace-from-caller")
        #expect(span.parentSpanID == "span-of-caller")
    }

    @Test("a span the handler starts is the server span's child, in the same trace", arguments: ["/query", "/query-async"])
    func childSpans(path: String) async throws {
        let tracer = InMemoryTracer()
        try await Self.app(tracer).test(.live) { client async throws in
            #expect(try await client.get(path, headers: [(InMemoryTracer.traceIDKey, "caller-trace"), (InMemoryTracer.spanIDKey, "caller-span")]).bodyString == "queried")
        }
        let server = try Self.span(tracer, "GET \(path)")
        let query = try #require(tracer.finishedSpans.first { $0.kind == .client })
        #expect(query.traceID == "caller-trace")
        #expect(query.parentSpanID == server.spanID)
        #expect(server.parentSpanID == "caller-span")
    }

    @Test("errors: a 4xx leaves the status unset, a 5xx or a thrown error marks the span failed")
    func errors() async throws {
        let tracer = InMemoryTracer()
        try await Self.app(tracer).test(.inProcess) { client async throws in
            #expect(try await client.get("/forbidden").status == 403)
            #expect(try await client.get("/fails").status == 500)
            #expect(try await client.get("/unavailable").status == 503)
        }
        let forbidden = try Self.span(tracer, "GET /forbidden")
        #expect(forbidden.attributes.get(Key.statusCode) == 403)
        #expect(forbidden.status == nil)
        #expect(forbidden.errors.count == 1, "the thrown HTTPError is recorded")
        let fails = try Self.span(tracer, "GET /fails")
        #expect(fails.attributes.get(Key.statusCode) == 500)
        #expect(fails.status?.code == .error)
        #expect(String(describing: fails.attributes.get(Key.errorType)).contains("Teapot"))
        let unavailable = try Self.span(tracer, "GET /unavailable")
        #expect(unavailable.status?.code == .error)
        #expect(unavailable.attributes.get(Key.errorType) == "503")
    }

    @Test("unrouted requests: named by method only, no route; an unknown method is HTTP / _OTHER")
    func unrouted() async throws {
        let tracer = InMemoryTracer()
        try await Self.app(tracer).test(.inProcess) { client async throws in
            #expect(try await client.get("/nowhere/1").status == 404)
            _ = try await client.request("BREW", "/pot")
        }
        let get = try Self.span(tracer, "GET")
        #expect(get.attributes.get(Key.route) == nil)
        #expect(get.attributes.get(Key.statusCode) == 404)
        #expect(get.attributes.get(Key.urlPath) == "/nowhere/1")
        let brew = try Self.span(tracer, "HTTP")
        #expect(brew.attributes.get(Key.method) == "_OTHER")
        #expect(brew.attributes.get(Key.methodOriginal) == "BREW")
    }

    @Test("the query string is left out when asked")
    func withoutQuery() async throws {
        let tracer = InMemoryTracer()
        let app = App(configuration: quietConfiguration())
        app.use(TracingMiddleware(tracer: tracer, recordingQuery: false))
        app.get("/login") { _ in "ok" }
        try await app.test(.inProcess) { client async throws in _ = try await client.get("/login?token=secret") }
        let span = try Self.span(tracer, "GET /login")
        #expect(span.attributes.get(Key.urlQuery) == nil)
        #expect(span.attributes.get(Key.urlPath) == "/login")
    }

    @Test("with no tracer (NoOpTracer) the routes run untouched", arguments: TestMode.allCases)
    func noOpTracer(mode: TestMode) async throws {
        let app = App(configuration: quietConfiguration())
        app.use(TracingMiddleware(tracer: NoOpTracer()))
        app.get("/hello") { _ in "hello, in task: \(runsInTask())" }
        app.get("/context") { _ in "context: \(ServiceContext.current == nil ? "none" : "some")" }
        try await app.test(mode) { client async throws in
            #expect(try await client.get("/hello").bodyString == "hello, in task: false")
            #expect(try await client.get("/context").bodyString == "context: none")
        }
    }

    @Test("Host splitting: name, IPv6 literal, port")
    func hostSplitting() {
        #expect(TracingMiddleware.split(host: "example.com") == ("example.com", nil))
        #expect(TracingMiddleware.split(host: "example.com:8080") == ("example.com", 8080))
        #expect(TracingMiddleware.split(host: "[::1]:80") == ("::1", 80))
        #expect(TracingMiddleware.split(host: "[::1]") == ("::1", nil))
    }
}
