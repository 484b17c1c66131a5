import CoreMetrics
import Prometheus
import ProntoMetrics

extension PrometheusMetricsFactory {
    /// A factory for Pronto's HTTP metrics: the OpenTelemetry names mapped as the
    /// OpenTelemetry-to-Prometheus rules do (dots to underscores, the unit as a suffix:
    /// `http_server_request_duration_seconds`, `http_server_request_body_size_bytes`) and
    /// buckets fit for a fast server (durations from 100 µs, sizes from 64 B).
    ///
    /// ```swift
    /// MetricsSystem.bootstrap(PrometheusMetricsFactory.pronto())
    /// app.use(MetricsMiddleware())
    /// app.prometheusEndpoint()   // GET /metrics
    /// ```
    /// Other metrics pass through with only the dots replaced.
    public static func pronto(registry: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (prometheusName(name), labels.map { (prometheusName($0.0), $0.1) })
        }
        factory.valueHistogramBuckets[prometheusName(HTTPServerMetricNames.requestDuration)] = durationBuckets
        for name in [HTTPServerMetricNames.requestBodySize, HTTPServerMetricNames.responseBodySize] {
            factory.valueHistogramBuckets[prometheusName(name)] = sizeBuckets
        }
        return factory
    }

    /// OpenTelemetry's recommended request-duration buckets (5 ms to 10 s), below them
    /// three more down to 100 µs: most of a fast server's answers would fill the first.
    /// In seconds: the middleware records the duration as seconds (a value histogram).
    static let durationBuckets: [Double] = [
        0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// Body sizes, by factors of four from 64 B to 16 MiB.
    static let sizeBuckets: [Double] = (0..<10).map { 64 * Double(1 << (2 * $0)) }

    /// `name` as Prometheus spells it: dots become underscores, and Pronto's metrics get
    /// their unit as a suffix.
    static func prometheusName(_ name: String) -> String {
        switch name {
        case HTTPServerMetricNames.requestDuration: return "http_server_request_duration_seconds"
        case HTTPServerMetricNames.requestBodySize: return "http_server_request_body_size_bytes"
        case HTTPServerMetricNames.responseBodySize: return "http_server_response_body_size_bytes"
        default: return String(name.map { $0 == "." ? "_" : $0 })
        }
    }
}
