import ServiceLifecycle

/// An ``App`` is a swift-service-lifecycle `Service`: run it in a `ServiceGroup` beside
/// other services (create it with `handlesSignals: false`; the group handles signals).
/// On the group's graceful shutdown the app stops accepting, finishes in-flight requests
/// and runs its shutdown hooks.
///
/// ```swift
/// let app = App(handlesSignals: false)
/// let group = ServiceGroup(services: [app, metrics], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
extension App: Service {
    /// Starts, serves until ``shutdown()``, a graceful shutdown of the service group, or
    /// SIGINT/SIGTERM when ``handlesSignals``; then finishes in-flight requests, runs the
    /// shutdown hooks and returns.
    ///
    /// With `ServerConfiguration/workers` set, this process supervises that many worker
    /// processes instead (see `Supervisor`); the startup and shutdown hooks run in each
    /// worker, not in the supervisor.
    public func run() async throws {
        if try await Supervisor.runIfConfigured(configuration) { return }
        let server = try await start()
        await withGracefulShutdownHandler {
            await server.waitUntilStopped(stoppingOnSignals: handlesSignals)
        } onGracefulShutdown: {
            Task.detached { await server.shutdown() }
        }
        await shutdown()
    }
}
