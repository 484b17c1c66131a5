import CoreMetrics
import Prometheus
import Pronto
import ProntoMetrics

extension App {
    /// Serves `registry`'s metrics at `path` in the Prometheus text format (version 0.0.4),
    /// sampling the open connections (`http_server_open_connections`) first.
    ///
    /// ```swift
    /// MetricsSystem.bootstrap(PrometheusMetricsFactory.pronto())
    /// app.use(MetricsMiddleware())
    /// app.prometheusEndpoint()   // curl localhost:8080/metrics
    /// ```
    /// The route is synchronous: rendering takes the registry's lock and writes every
    /// metric into one buffer. Put it behind authentication, or on an address only your
    /// scraper reaches, when the metrics should not be public.
    public func prometheusEndpoint(_ path: String = "/metrics", registry: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry) {
        let connections = OpenConnectionsGauge(factory: PrometheusMetricsFactory.pronto(registry: registry))
        get(path) { [weak self] _ in
            if let self { connections.sample(self) }
            var text: [UInt8] = []
            text.reserveCapacity(16_384)
            registry.emit(into: &text)
            var response = Response(contentType: "text/plain; version=0.0.4; charset=utf-8", body: .bytes(ByteBuffer(bytes: text)))
            response.headers.add(name: "Cache-Control", value: "no-store")
            return response
        }
    }
}
