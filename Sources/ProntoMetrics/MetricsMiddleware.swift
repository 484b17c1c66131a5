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
/// By default it records the duration only, the one metric the conventions call stable; the
/// requests in flight and the body sizes (still "development" there) are opt-in, since each
/// costs a recording per request:
///
/// ```swift
/// app.use(MetricsMiddleware(recording: .all))
/// ```
///
/// It is an `InlineMiddleware`: a synchronous route stays synchronous. Each route gets
/// its metrics made at startup (`RouteAwareMiddleware`), so a request pays two clock reads
/// and the backend's own recording, not a look-up by name. The duration ends when the
/// handler has returned its response: a streamed body's sending is not in it.
public struct MetricsMiddleware: InlineMiddleware, RouteAwareMiddleware {
    /// The metrics recorded besides `http.server.request.duration`, which always is.
    public struct Recorded: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `http.server.active_requests`: the requests being handled, by method.
        public static let activeRequests = Recorded(rawValue: 1 << 0)
        /// `http.server.request.body.size`, for requests with a body of known size.
        public static let requestBodySize = Recorded(rawValue: 1 << 1)
        /// `http.server.response.body.size`, for responses whose size is known before sending.
        public static let responseBodySize = Recorded(rawValue: 1 << 2)
        /// Every metric above.
        public static let all: Recorded = [.activeRequests, .requestBodySize, .responseBodySize]
    }

    /// What ``willRespond(to:)`` hands to the later steps of one request.
    public struct Timing: Sendable {
        /// Monotonic nanoseconds at the request's start.
        let start: UInt64
        /// The metrics of an unrouted request's method, looked up once; nil on a route.
        let unrouted: RouteMetrics?
    }

    private let route: RouteMetrics?
    /// A GET route's metrics for the HEAD requests it also answers: labelled HEAD, as the
    /// conventions want the request's method.
    private let routeHead: RouteMetrics?
    private let unrouted: UnroutedMetrics

    /// Metrics made by `factory` (by default the one `MetricsSystem.bootstrap` installed):
    /// the request duration, and the ones in `recorded` besides.
    public init(recording recorded: Recorded = [], factory: any MetricsFactory = MetricsSystem.factory) {
        self.init(route: nil, unrouted: UnroutedMetrics(recorded: recorded, factory: factory))
    }

    private init(route: RouteDescription?, unrouted: UnroutedMetrics) {
        let recorded = unrouted.recorded, factory = unrouted.factory
        self.route = route.map { RouteMetrics(method: $0.method, route: $0.pattern, recorded: recorded, factory: factory) }
        self.routeHead = route.flatMap {
            $0.method == "GET" ? RouteMetrics(method: "HEAD", route: $0.pattern, recorded: recorded, factory: factory) : nil
        }
        self.unrouted = unrouted
    }

    /// This middleware with the metrics of `route` made (or, for nil, the unrouted ones).
    public func middleware(for route: RouteDescription?) -> any Middleware {
        MetricsMiddleware(route: route, unrouted: unrouted)
    }

    /// Counts the request in flight; hands the start time to the later steps.
    public func willRespond(to request: inout Request) -> MiddlewareStep<Timing> {
        .proceed(begin(request))
    }

    /// `handler` with the metrics recorded around it, still synchronous.
    ///
    /// Written out rather than the protocol's default: the default copies the request into
    /// a `var` for ``willRespond(to:)`` (a retain and release of each of its references)
    /// and moves the response through `inout`, about 100 ns per request with this
    /// middleware; this one only borrows both.
    public func wrap(_ handler: @escaping SyncResponder) -> SyncResponder {
        { request in
            let timing = begin(request)
            let response: Response
            do {
                response = try handler(request)
            } catch {
                throw fail(request, timing: timing, error: error)
            }
            record(request, status: response.status.code, timing: timing, response: response)
            return response
        }
    }

    /// `handler` with the metrics recorded around it: only `handler` awaits.
    public func wrap(_ handler: @escaping AsyncResponder) -> AsyncResponder {
        { request in
            let timing = begin(request)
            let response: Response
            do {
                response = try await handler(request)
            } catch {
                throw fail(request, timing: timing, error: error)
            }
            record(request, status: response.status.code, timing: timing, response: response)
            return response
        }
    }

    @inline(__always)
    private func begin(_ request: Request) -> Timing {
        let unroutedMetrics = route == nil ? unrouted.forMethod(request.method.name ?? "_OTHER") : nil
        (unroutedMetrics ?? metrics(forRouted: request)).activeRequests?.increment(by: 1)
        return Timing(start: Self.now(), unrouted: unroutedMetrics)
    }

    /// Records a failed request under the status its error is answered with; returns the error.
    private func fail(_ request: Request, timing: Timing, error: any Error) -> any Error {
        let response = (error as? any ResponseError)?.response
        record(request, status: response?.status.code ?? 500, timing: timing, response: response)
        return error
    }

    /// Records the duration and sizes under the response's status code.
    public func didRespond(to request: Request, context timing: Timing, response: inout Response) {
        record(request, status: response.status.code, timing: timing, response: response as Response)
    }

    /// Records the request under the status the error will be answered with (its own for
    /// a `ResponseError` such as `HTTPError`, else 500), then rethrows it.
    public func didFail(request: Request, context timing: Timing, error: any Error) throws -> Response {
        throw fail(request, timing: timing, error: error)
    }

    private func record(_ request: Request, status: Int, timing: Timing, response: Response?) {
        record(request, status: status, timing: timing, responseBodySize: response.flatMap { Self.bodySize(of: $0, to: request) })
    }

    @inline(__always)
    private func record(_ request: Request, status: Int, timing: Timing, response: Response) {
        record(request, status: status, timing: timing, responseBodySize: Self.bodySize(of: response, to: request))
    }

    /// `responseBodySize` is an autoclosure: read only when that metric is recorded.
    @inline(__always)
    private func record(_ request: Request, status: Int, timing: Timing, responseBodySize: @autoclosure () -> Int?) {
        let elapsed = Self.now() &- timing.start
        let metrics = timing.unrouted ?? metrics(forRouted: request)
        metrics.activeRequests?.decrement(by: 1)
        let perStatus = metrics.forStatus(status)
        perStatus.duration.record(Double(elapsed) * 1e-9)
        if let recorder = perStatus.requestBodySize, let size = Self.bodySize(of: request) { recorder.record(Int64(size)) }
        if let recorder = perStatus.responseBodySize, let size = responseBodySize() { recorder.record(Int64(size)) }
    }

    /// A routed request's metrics (its route's, or the HEAD twin's).
    @inline(__always)
    private func metrics(forRouted request: Request) -> RouteMetrics {
        // Only called with `route` set: `willRespond` hands the unrouted ones on.
        let route = route.unsafelyUnwrapped
        return request.method == .head ? routeHead ?? route : route
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
