import CoreMetrics
import NIOConcurrencyHelpers

/// The metrics of one route (or of the unrouted requests of one method): made once, so a
/// request records into objects that exist instead of asking the metrics factory, which
/// takes a lock and builds label strings.
///
/// The status code is known only when the response is, so the per-status metrics are made
/// at a status's first response and kept in a short list (a route answers with few
/// distinct codes), scanned under a lock.
final class RouteMetrics: Sendable {
    /// The metrics that carry the status code among their dimensions.
    struct PerStatus: Sendable {
        let code: Int
        let duration: Timer
        let requestBodySize: Recorder
        let responseBodySize: Recorder
    }

    let factory: any MetricsFactory
    /// Method and (when routed) route: the dimensions before the status code.
    let dimensions: [(String, String)]
    let activeRequests: Meter
    private let perStatus = NIOLockedValueBox<[PerStatus]>([])

    init(method: String, route: String?, factory: any MetricsFactory) {
        var dimensions = [(HTTPServerMetricNames.method, method)]
        if let route { dimensions.append((HTTPServerMetricNames.route, route)) }
        self.factory = factory
        self.dimensions = dimensions
        self.activeRequests = Meter(label: HTTPServerMetricNames.activeRequests, dimensions: [(HTTPServerMetricNames.method, method)], factory: factory)
    }

    /// The metrics for responses with status `code`, made at the first.
    func forStatus(_ code: Int) -> PerStatus {
        if let known = perStatus.withLockedValue({ list in list.first { $0.code == code } }) { return known }
        // Made outside the lock: the factory takes its own. Two threads may both make one;
        // the factory hands both the same underlying metric, and the first kept wins.
        let dimensions = self.dimensions + [(HTTPServerMetricNames.statusCode, String(code))]
        let made = PerStatus(
            code: code,
            duration: Timer(label: HTTPServerMetricNames.requestDuration, dimensions: dimensions, factory: factory),
            requestBodySize: Recorder(label: HTTPServerMetricNames.requestBodySize, dimensions: dimensions, aggregate: true, factory: factory),
            responseBodySize: Recorder(label: HTTPServerMetricNames.responseBodySize, dimensions: dimensions, aggregate: true, factory: factory)
        )
        return perStatus.withLockedValue { list in
            if let known = list.first(where: { $0.code == code }) { return known }
            list.append(made)
            return made
        }
    }
}

/// The metrics of the requests no route matched, one ``RouteMetrics`` per method seen.
final class UnroutedMetrics: Sendable {
    let factory: any MetricsFactory
    private let byMethod = NIOLockedValueBox<[String: RouteMetrics]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// The metrics for `method` (a registered method's name, or `_OTHER`).
    func forMethod(_ method: String) -> RouteMetrics {
        if let known = byMethod.withLockedValue({ $0[method] }) { return known }
        let made = RouteMetrics(method: method, route: nil, factory: factory)
        return byMethod.withLockedValue { table in
            if let known = table[method] { return known }
            table[method] = made
            return made
        }
    }
}
