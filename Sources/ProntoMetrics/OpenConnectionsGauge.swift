import CoreMetrics
import NIOConcurrencyHelpers
import Pronto

/// The gauge `http.server.open_connections`: an app's open connections, sampled.
///
/// The engine counts its connections but records no metrics itself (it depends on no
/// metrics API); this gauge reads the count when asked. A pull backend samples at each
/// scrape (ProntoPrometheus's endpoint does); a push backend samples on a period with
/// `App/recordOpenConnections(every:factory:)`.
public struct OpenConnectionsGauge: Sendable {
    private let gauge: Gauge

    /// The gauge, made by `factory`.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        gauge = Gauge(label: HTTPServerMetricNames.openConnections, factory: factory)
    }

    /// Records `app`'s open connections now (0 when it is not serving).
    public func sample(_ app: App) {
        gauge.record(app.server?.connectionCount ?? 0)
    }
}

extension App {
    /// Records the open connections into `http.server.open_connections` every `interval`
    /// while the app runs, for backends that are not scraped. Call before `App/run()`.
    public func recordOpenConnections(every interval: Duration = .seconds(5), factory: any MetricsFactory = MetricsSystem.factory) {
        let gauge = OpenConnectionsGauge(factory: factory)
        let sampler = NIOLockedValueBox<Task<Void, Never>?>(nil)
        onStartup { app in
            let task = Task { [weak app] in
                while !Task.isCancelled, let app {
                    gauge.sample(app)
                    try? await Task.sleep(for: interval)
                }
            }
            sampler.withLockedValue { $0 = task }
        }
        onShutdown { _ in
            sampler.withLockedValue { $0?.cancel() }
        }
    }
}
