import CoreMetrics
import MetricsTestKit
import Pronto
import ProntoMetrics
import ProntoTestSupport
import ProntoTesting
import Testing

private func runsInTask() -> Bool { withUnsafeCurrentTask { $0 != nil } }

private struct Teapot: Error {}

@Suite("MetricsMiddleware: OpenTelemetry HTTP server metrics")
struct MetricsMiddlewareTests {
    typealias Names = HTTPServerMetricNames

    static func app(_ metrics: TestMetrics, recording recorded: MetricsMiddleware.Recorded = .all) -> App {
        let app = App(configuration: quietConfiguration())
        app.use(MetricsMiddleware(recording: recorded, factory: metrics))
        app.get("/hello/{name}") { request in "Hello, \(request.parameter("name") ?? "")! in task: \(runsInTask())" }
        app.post("/echo") { request in Response(contentType: "text/plain", body: .bytes(request.body ?? ByteBuffer())) }
        app.get("/forbidden") { _ -> String in throw HTTPError(.forbidden, "no") }
        app.get("/fails") { _ -> String in throw Teapot() }
        app.get("/active") { _ async in
            let active = try? metrics.expectMeter(Names.activeRequests, [(Names.method, "GET")])
            return "active \(active?.lastValue ?? -1)"
        }
        app.group("/api").get("/users/{id}") { request in request.parameter("id") ?? "" }
        return app
    }

    static func dimensions(_ method: String, _ route: String?, _ status: Int) -> [(String, String)] {
        var dimensions = [(Names.method, method)]
        if let route { dimensions.append((Names.route, route)) }
        dimensions.append((Names.statusCode, String(status)))
        return dimensions
    }

    @Test("requests are labelled by method, route template and status; a sync route stays sync", arguments: TestMode.allCases)
    func routeTemplates(mode: TestMode) async throws {
        let metrics = TestMetrics()
        try await Self.app(metrics).test(mode) { client async throws in
            let ada = try await client.get("/hello/ada")
            #expect(ada.bodyString == "Hello, ada! in task: false")
            _ = try await client.get("/hello/grace")
            _ = try await client.get("/api/users/7")
        }
        let hello = try metrics.expectRecorder(Names.requestDuration, Self.dimensions("GET", "/hello/{name}", 200))
        #expect(hello.values.count == 2)
        #expect(hello.values.allSatisfy { $0 > 0 })
        #expect(try metrics.expectRecorder(Names.requestDuration, Self.dimensions("GET", "/api/users/{id}", 200)).values.count == 1)
        // No label holds a raw path.
        for timer in metrics.recorders {
            #expect(!timer.dimensions.contains { $0.1.contains("ada") || $0.1.contains("/7") }, "\(timer.dimensions)")
        }
        let sizes = try metrics.expectRecorder(Names.responseBodySize, Self.dimensions("GET", "/hello/{name}", 200))
        #expect(sizes.values == [26, 28])
        // A GET has no body: no request size recorded.
        #expect(metrics.recorders(label: Names.requestBodySize).allSatisfy { $0.values.isEmpty })
    }

    @Test("request and response body sizes are recorded under the route and status")
    func bodySizes() async throws {
        let metrics = TestMetrics()
        try await Self.app(metrics).test(.inProcess) { client async throws in
            let response = try await client.post("/echo", body: String(repeating: "x", count: 1_000))
            #expect(response.body.count == 1_000)
            _ = try await client.request("POST", "/echo", headers: [("Transfer-Encoding", "chunked")], body: Array("5\r\nhello\r\n0\r\n\r\n".utf8))
            _ = try await client.head("/hello/ada")
        }
        let dimensions = Self.dimensions("POST", "/echo", 200)
        #expect(try metrics.expectRecorder(Names.requestBodySize, dimensions).values == [1_000, 5])
        #expect(try metrics.expectRecorder(Names.responseBodySize, dimensions).values == [1_000, 5])
        // HEAD sends no body: 0, whatever the handler built.
        #expect(try metrics.expectRecorder(Names.responseBodySize, Self.dimensions("HEAD", "/hello/{name}", 200)).values == [0])
    }

    @Test("unrouted requests: no route label, the status of the answer, unknown methods as _OTHER")
    func unrouted() async throws {
        let metrics = TestMetrics()
        try await Self.app(metrics).test(.inProcess) { client async throws in
            #expect(try await client.get("/nowhere/1").status == 404)
            #expect(try await client.get("/nowhere/2").status == 404)
            #expect(try await client.delete("/hello/ada").status == 405)
            _ = try await client.request("BREW", "/pot")
        }
        #expect(try metrics.expectRecorder(Names.requestDuration, Self.dimensions("GET", nil, 404)).values.count == 2)
        #expect(try metrics.expectRecorder(Names.requestDuration, Self.dimensions("DELETE", nil, 405)).values.count == 1)
        let brew = metrics.recorders(label: Names.requestDuration).filter { $0.dimensions.contains { $0 == (Names.method, "_OTHER") } }
        #expect(brew.count == 1)
        #expect(!metrics.recorders.contains { $0.dimensions.contains { $0.1 == "BREW" || $0.1.contains("nowhere") } })
    }

    @Test("a thrown error is recorded with the status it is answered with; the request leaves the in-flight count")
    func errors() async throws {
        let metrics = TestMetrics()
        try await Self.app(metrics).test(.inProcess) { client async throws in
            #expect(try await client.get("/forbidden").status == 403)
            #expect(try await client.get("/fails").status == 500)
        }
        #expect(try metrics.expectRecorder(Names.requestDuration, Self.dimensions("GET", "/forbidden", 403)).values.count == 1)
        #expect(try metrics.expectRecorder(Names.requestDuration, Self.dimensions("GET", "/fails", 500)).values.count == 1)
        let active = try metrics.expectMeter(Names.activeRequests, [(Names.method, "GET")])
        #expect(active.lastValue == 0)
        #expect(active.values.contains(1))
    }

    @Test("in-flight requests: 1 while the handler runs, 0 after")
    func activeRequests() async throws {
        let metrics = TestMetrics()
        try await Self.app(metrics).test(.live) { client async throws in
            #expect(try await client.get("/active").bodyString == "active 1.0")
        }
        #expect(try metrics.expectMeter(Names.activeRequests, [(Names.method, "GET")]).lastValue == 0)
    }

    @Test("by default only the duration is recorded: no in-flight gauge, no body sizes")
    func durationOnlyByDefault() async throws {
        let metrics = TestMetrics()
        try await Self.app(metrics, recording: []).test(.inProcess) { client async throws in
            _ = try await client.post("/echo", body: "hello")
            _ = try await client.get("/active")
            _ = try await client.get("/nowhere")
        }
        #expect(try metrics.expectRecorder(Names.requestDuration, Self.dimensions("POST", "/echo", 200)).values.count == 1)
        #expect(try metrics.expectRecorder(Names.requestDuration, Self.dimensions("GET", nil, 404)).values.count == 1)
        #expect(metrics.meters.isEmpty, "\(metrics.meters.map(\.label))")
        #expect(metrics.recorders.allSatisfy { $0.label == Names.requestDuration }, "\(metrics.recorders.map(\.label))")
    }

    @Test("a route answering with several statuses records each under its own code, lock-free list in order")
    func manyStatuses() async throws {
        let metrics = TestMetrics()
        let app = App(configuration: quietConfiguration())
        app.use(MetricsMiddleware(factory: metrics))
        app.get("/status/{code}") { request in
            Response(status: HTTPStatus(code: (try? request.parameter("code", as: Int.self)) ?? 500), body: .string(""))
        }
        let codes = [200, 201, 404, 200, 503, 201, 418, 200]
        try await app.test(.inProcess) { client async throws in
            for code in codes { #expect(try await client.get("/status/\(code)").status == code) }
        }
        for code in Set(codes) {
            let timer = try metrics.expectRecorder(Names.requestDuration, Self.dimensions("GET", "/status/{code}", code))
            #expect(timer.values.count == codes.filter { $0 == code }.count, "status \(code)")
        }
    }

    @Test("the duration covers the handler's own time")
    func durationCoversHandler() async throws {
        let metrics = TestMetrics()
        let app = App(configuration: quietConfiguration())
        app.use(MetricsMiddleware(factory: metrics))
        app.get("/slow") { _ async throws in
            try await Task.sleep(for: .milliseconds(30))
            return "done"
        }
        try await app.test(.live) { client in _ = try await client.get("/slow") }
        let timer = try metrics.expectRecorder(Names.requestDuration, Self.dimensions("GET", "/slow", 200))
        #expect(try #require(timer.lastValue) >= 0.030, "seconds")
    }
}
