import NIOPosix

/// Runs an app in worker processes: binds the listening socket once, starts
/// ``ServerConfiguration/workers`` processes of the same executable that serve on it,
/// restarts one that dies, and replaces them without refusing a connection.
///
/// ``Server/run()`` and `App.run()` call `runIfConfigured(_:)` first, so setting
/// `workers` (or `PRONTO_WORKERS`, or hello's `--workers`) is all an app needs:
///
/// ```swift
/// var configuration = ServerConfiguration(target: .tcp(host: "0.0.0.0", port: 8080), eventLoopThreads: 1)
/// configuration.workers = 4
/// try await Server(configuration: configuration) { _ in .response(.text("Hello")) }.run()
/// ```
///
/// The supervisor process runs no handler: it starts each worker with `posix_spawn` (never
/// a bare fork in a threaded process) with the same arguments, the listening socket as
/// descriptor 3 and a control socket as descriptor 4 (`PRONTO_WORKER`). Each worker's
/// ``Server`` adopts the socket; its startup hooks run in the worker, before it is ready.
///
/// Signals to the supervisor:
/// - `SIGTERM`, `SIGINT`: every worker shuts down gracefully (``Server/shutdown()``);
///   the supervisor exits when they have, within ``ServerConfiguration/shutdownGracePeriod``.
/// - `SIGHUP`: replaces the workers one by one: starts a new one, waits until it accepts,
///   then stops the old one gracefully. No connection is refused: the socket stays open.
/// - `SIGUSR2`: binary upgrade: the supervisor executes its executable file again (a new
///   build deployed at the same path), keeping its process id, the socket and the running
///   workers; the new supervisor then replaces them as on `SIGHUP`.
/// - `SIGUSR1`: logs the status report (see ``status(controlSocket:)``).
///
/// A worker that dies is restarted at once; one that keeps dying at start is restarted
/// with a growing delay, and the supervisor gives up (throws
/// ``SupervisorError/workersKeepFailing(slot:attempts:lastExit:)``) per ``RestartPolicy``.
/// A worker whose supervisor is gone (killed with SIGKILL) shuts down gracefully by itself.
public enum Supervisor {
    /// Supervises workers when `configuration` asks for them and this process is not one of
    /// them; returns once they have all stopped (true). Returns false at once otherwise:
    /// the caller serves in this process.
    ///
    /// - Throws: ``ConfigurationError`` for an invalid configuration; ``SupervisorError``
    ///   when the socket cannot be made, or workers keep failing to start.
    public static func runIfConfigured(_ configuration: ServerConfiguration, policy: RestartPolicy = .init()) async throws -> Bool {
        guard configuration.workers > 0 || configuration.reload != nil, !InheritedListener.isWorker else { return false }
        try configuration.validate()
        // The supervisor's loop blocks in poll(2): on a thread of its own, not the
        // concurrency pool's.
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        defer { thread.shutdownGracefully { _ in } }
        try await thread.runIfActive {
            try SupervisorLoop(configuration: configuration, policy: policy).run()
        }
        return true
    }

    /// The status report of the supervisor whose control socket
    /// (``ServerConfiguration/controlSocketPath``) is at `path`: its process id, address and
    /// uptime, then a line per worker with its slot, process id, state, uptime, restarts,
    /// requests served and open connections.
    ///
    /// - Throws: ``SupervisorError/controlSocket(_:_:)`` when no supervisor answers there.
    public static func status(controlSocket path: String) throws -> String {
        try ControlSocket.request(path: path)
    }
}
