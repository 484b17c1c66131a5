import Prometheus
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Metrics guide")
struct MetricsGuideTests {
    @Test("the guide shows the example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample(
            "Sources/ProntoMetrics/ProntoMetrics.docc/Metrics.md",
            from: "Tests/ProntoMetricsTests/Guide/MetricsGuideExample.swift", marker: "GUIDE EXAMPLE")
    }

    @Test("the guide's example records by route template and serves it at /metrics", arguments: TestMode.allCases)
    func guideExampleRuns(mode: TestMode) async throws {
        let registry = PrometheusCollectorRegistry()
        try await makeMeasuredApp(registry: registry).test(mode) { client async throws in
            #expect(try await client.get("/hello/ada").bodyString == "Hello, ada!")
            _ = try await client.get("/hello/grace")
            let scrape = try await client.get("/metrics")
            #expect(scrape.status == 200)
            let text = scrape.bodyString
            let labels = #"http_request_method="GET",http_route="/hello/{name}",http_response_status_code="200""#
            #expect(text.contains("http_server_request_duration_seconds_count{\(labels)} 2"), "\(text)")
            // "Hello, ada!" and "Hello, grace!": 11 + 13 bytes.
            #expect(text.contains("http_server_response_body_size_bytes_sum{\(labels)} 24"), "\(text)")
            #expect(!text.contains("http_server_active_requests"), "not asked for")
            #expect(!text.contains("ada"))
        }
    }
}
