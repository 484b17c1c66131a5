import CoreMetrics
import Pronto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Records swift-metrics metrics for every request it wraps, named and labelled as the
/// OpenTelemetry HTTP server conventions say (see ``HTTPServerMetricNames``): the duration
/// by method, route template and status code, the requests in flight, and the body sizes.
///
/// ```swift
/// MetricsSystem.bootstrap(PrometheusMetricsFactory.pronto())   // once per process
/// let app = App()
/// app.use(MetricsMiddleware())
/// app.get("/hello/{name}") { request in "Hello, \(request.parameter("name") ?? "")!" }
/// // GET /hello/ada records http.server.request.duration with
/// // http.request.method=GET, http.route=/hello/{name}, http.response.status_code=200
/// ```
/// Install it first (outermost) to count every request, the answers of other middleware
/// included. Routes are labelled by their template, never by the raw path: the label set
/// stays as small as the route table, whatever clients send. The requests no route matched
/// carry no route label, and a method that is not a registered one is labelled `_OTHER`.
///
/// It is an ``InlineMiddleware``: a synchronous route stays synchronous. Each route gets
/// its metrics made at startup (``RouteAwareMiddleware``), so a request pays two clock reads
/// and the backend's own recording, not a look-up by name. The duration ends when the
/// handler has returned its response: a streamed body's sending is not in it.
public struct MetricsMiddleware: InlineMiddleware, RouteAwareMiddleware {
    private let route: RouteMetrics?
    /// A GET route's metrics for the HEAD requests it also answers: labelled HEAD, as the
    /// conventions want the request's method.
    private let routeHead: RouteMetrics?
    private let unrouted: UnroutedMetrics

    /// Metrics made by `factory`: by default the one `MetricsSystem.bootstrap` installed.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.init(route: nil, unrouted: UnroutedMetrics(factory: factory))
    }

    private init(route: RouteDescription?, unrouted: UnroutedMetrics) {
        self.route = route.map { RouteMetrics(method: $0.method, route: $0.pattern, factory: unrouted.factory) }
        self.routeHead = route.flatMap { $0.method == "GET" ? RouteMetrics(method: "HEAD", route: $0.pattern, factory: unrouted.factory) : nil }
        self.unrouted = unrouted
    }

    /// This middleware with the metrics of `route` made (or, for nil, the unrouted ones).
    public func middleware(for route: RouteDescription?) -> any Middleware {
        MetricsMiddleware(route: route, unrouted: unrouted)
    }

    /// Counts the request in flight; hands the start time to the later steps.
    public func willRespond(to request: inout Request) -> MiddlewareStep<UInt64> {
        metrics(for: request).activeRequests.increment()
        return .proceed(Self.now())
    }

    /// Records the duration and sizes under the response's status code.
    public func didRespond(to request: Request, context start: UInt64, response: inout Response) {
        record(request, status: response.status.code, start: start, responseBodySize: Self.bodySize(of: response, to: request))
    }

    /// Records the request under the status the error will be answered with (its own for
    /// a `ResponseError` such as `HTTPError`, else 500), then rethrows it.
    public func didFail(request: Request, context start: UInt64, error: any Error) throws -> Response {
        let response = (error as? any ResponseError)?.response
        record(request, status: response?.status.code ?? 500, start: start, responseBodySize: response.flatMap { Self.bodySize(of: $0, to: request) })
        throw error
    }

    private func record(_ request: Request, status: Int, start: UInt64, responseBodySize: Int?) {
        let elapsed = Self.now() &- start
        let metrics = metrics(for: request)
        metrics.activeRequests.decrement()
        let perStatus = metrics.forStatus(status)
        perStatus.duration.recordNanoseconds(Int64(truncatingIfNeeded: elapsed))
        if let size = Self.bodySize(of: request) { perStatus.requestBodySize.record(size) }
        if let responseBodySize { perStatus.responseBodySize.record(responseBodySize) }
    }

    private func metrics(for request: Request) -> RouteMetrics {
        if let route { return request.method == .head ? routeHead ?? route : route }
        return unrouted.forMethod(request.method.name ?? "_OTHER")
    }

    /// The request body's size, when it has one of a known size.
    static func bodySize(of request: Request) -> Int? {
        guard request.head.hasBody else { return nil }
        return request.head.contentLength ?? request.body?.readableBytes
    }

    /// The response body's size, when known before it is sent (0 for HEAD: nothing is).
    static func bodySize(of response: Response, to request: Request) -> Int? {
        request.method == .head ? 0 : response.body.knownLength
    }

    /// Monotonic nanoseconds. clock_gettime directly: ContinuousClock's Duration arithmetic
    /// (128-bit attoseconds) would cost more than the read itself on every request.
    @inline(__always)
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
