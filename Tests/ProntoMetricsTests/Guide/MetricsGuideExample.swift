// The Metrics guide's example, verbatim between the markers: MetricsGuideTests checks that
// Sources/ProntoMetrics/ProntoMetrics.docc/Metrics.md shows exactly this code, and runs it.
import Prometheus
import Pronto
import ProntoMetrics
import ProntoPrometheus

// BEGIN GUIDE EXAMPLE
func makeMeasuredApp(registry: PrometheusCollectorRegistry) -> App {
    let app = App()
    // Outermost, so it also counts what the middleware inside it answer.
    app.use(MetricsMiddleware(recording: [.responseBodySize], factory: PrometheusMetricsFactory.pronto(registry: registry)))
    app.get("/hello/{name}") { request in
        "Hello, \(request.parameter("name") ?? "")!"  // labelled http.route="/hello/{name}"
    }
    app.prometheusEndpoint(registry: registry)  // GET /metrics, for the scraper
    return app
}
// END GUIDE EXAMPLE
