/// The names of the metrics ``MetricsMiddleware`` records and of their dimensions: those of
/// the OpenTelemetry semantic conventions for HTTP servers (semconv 1.26+, stable), so
/// dashboards and alerts written for them work unchanged.
///
/// A backend may rename them for its own conventions: `PrometheusMetricsFactory/pronto`
/// (in ProntoPrometheus) turns `http.server.request.duration` into
/// `http_server_request_duration_seconds`.
public enum HTTPServerMetricNames {
    /// Recorder (histogram) of seconds, as the conventions give the unit: how long the app
    /// took to answer, from the middleware's first step to the response (the handler and
    /// the middleware inside this one). Dimensions: method, route, status code.
    public static let requestDuration = "http.server.request.duration"
    /// Meter: the requests the app is answering now (between the two steps of
    /// the middleware). Dimension: method.
    public static let activeRequests = "http.server.active_requests"
    /// Recorder (histogram): the request body's size in bytes, when the request has one and
    /// its size is known (Content-Length, or a buffered chunked body). Dimensions as the
    /// duration's.
    public static let requestBodySize = "http.server.request.body.size"
    /// Recorder (histogram): the response body's size in bytes, when known before it is
    /// sent (not for streamed bodies). Dimensions as the duration's.
    public static let responseBodySize = "http.server.response.body.size"
    /// Gauge: the server's open connections, sampled (not part of the HTTP conventions,
    /// which count requests only; named in their style).
    public static let openConnections = "http.server.open_connections"

    /// Dimension: the request's method (`GET`); `_OTHER` for a token that is not a
    /// registered method and matched no route, so a client cannot grow the label set.
    public static let method = "http.request.method"
    /// Dimension: the route's template as registered (`/users/{id}`), never the raw path;
    /// absent for the requests no route matched (404, 405).
    public static let route = "http.route"
    /// Dimension: the response's status code (`200`).
    public static let statusCode = "http.response.status_code"
}
