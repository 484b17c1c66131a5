import CoreMetrics
import MetricsTestKit
import Prometheus
import Pronto
import ProntoMetrics
@testable import ProntoPrometheus
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Prometheus: Pronto's names and the /metrics endpoint")
struct PrometheusEndpointTests {
    static func app(_ registry: PrometheusCollectorRegistry) -> App {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        let app = App(configuration: configuration, handlesSignals: false)
        app.use(MetricsMiddleware(recording: .all, factory: PrometheusMetricsFactory.pronto(registry: registry)))
        app.get("/hello/{name}") { request in "Hello, \(request.parameter("name") ?? "")!" }
        app.prometheusEndpoint(registry: registry)
        return app
    }

    /// The sample lines of `text` (no comments), as name{labels} -> value.
    static func samples(_ text: String) -> [String: String] {
        var samples: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return samples
    }

    @Test("GET /metrics renders the request metrics under Prometheus names, and the open connections")
    func endpoint() async throws {
        let registry = PrometheusCollectorRegistry()
        let app = Self.app(registry)
        let server = try await app.start()
        let address = try #require(server.localAddress)
        for name in ["ada", "grace", "alan"] {
            _ = try await RawClient.exchange(address: address, request: "GET /hello/\(name) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        }
        let response = try await RawClient.exchange(address: address, request: "GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        await app.shutdown()

        let (head, body) = try #require(response.split(separator: "\r\n\r\n", maxSplits: 1).map(String.init).pairs)
        #expect(head.hasPrefix("HTTP/1.1 200"))
        #expect(head.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"))
        let samples = Self.samples(body)
        let labels = #"http_request_method="GET",http_route="/hello/{name}",http_response_status_code="200""#
        #expect(samples["http_server_request_duration_seconds_count{\(labels)}"] == "3", "\(body)")
        #expect(samples["http_server_request_duration_seconds_bucket{\(labels),le=\"+Inf\"}"] == "3")
        // "Hello, ada!", "Hello, grace!", "Hello, alan!": 11 + 13 + 12 bytes.
        #expect(samples["http_server_response_body_size_bytes_sum{\(labels)}"].flatMap(Double.init) == 36, "\(body)")
        #expect(body.contains(#"le="0.0001""#), "the 100 µs bucket")
        // The scrape's own connection is open while it renders.
        #expect(samples["http_server_open_connections"].flatMap(Double.init) == 1)
        // The scrape itself is in flight while it renders; the three before it are done.
        #expect(samples[#"http_server_active_requests{http_request_method="GET"}"#].flatMap(Double.init) == 1)
        #expect(!body.contains("ada"))
    }

    @Test("other metrics keep their names, with dots replaced")
    func otherNames() {
        #expect(PrometheusMetricsFactory.prometheusName("db.client.queries") == "db_client_queries")
        #expect(PrometheusMetricsFactory.prometheusName(HTTPServerMetricNames.requestDuration) == "http_server_request_duration_seconds")
    }

    @Test("App.recordOpenConnections samples the count on its period while the app runs")
    func periodicSampler() async throws {
        let metrics = TestMetrics()
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        let app = App(configuration: configuration, handlesSignals: false)
        app.recordOpenConnections(every: .milliseconds(5), factory: metrics)
        let opened = AsyncStream.makeStream(of: Void.self)
        let release = AsyncStream.makeStream(of: Void.self)
        app.get("/hold") { _ async in
            opened.continuation.yield()
            for await _ in release.stream { break }
            return "released"
        }
        let server = try await app.start()
        let address = try #require(server.localAddress)
        async let held = RawClient.exchange(address: address, request: "GET /hold HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        for await _ in opened.stream { break }
        let gauge = try await waitForGauge(metrics, value: 1)
        release.continuation.yield()
        _ = try await held
        await app.shutdown()
        #expect(gauge.values.contains(1))
    }

    /// Polls (bounded: 5 s) until the gauge's last sample is `value`.
    func waitForGauge(_ metrics: TestMetrics, value: Double) async throws -> TestRecorder {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if let gauge = try? metrics.expectGauge(HTTPServerMetricNames.openConnections), gauge.lastValue == value { return gauge }
            try await Task.sleep(for: .milliseconds(5))
        }
        return try metrics.expectGauge(HTTPServerMetricNames.openConnections)
    }
}

extension Array where Element == String {
    fileprivate var pairs: (String, String)? { count == 2 ? (self[0], self[1]) : nil }
}
