import ArgumentParser
import Foundation
import Logging
import Pronto
import ProntoTracing
import Tracing
import WorldApp

@main
struct WorldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world",
        abstract: "TechEmpower's six tests on Pronto: /plaintext /json /db /queries /updates /fortunes.",
        discussion: """
            PostgreSQL when DATABASE_URL (or --database-url) is set, e.g. \
            postgres://benchmarkdbuser:benchmarkdbpass@127.0.0.1:15432/hello_world; \
            otherwise an embedded SQLite database, created and seeded in a temp file \
            (or at --sqlite PATH, kept between runs).
            """
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "TCP port (0 picks a free one).") var port = 8080
    @Option(help: "Listen on this UNIX domain socket path instead of TCP.") var unixSocket: String?
    @Option(help: "Event-loop threads (default: one per core).") var threads: Int?
    @Flag(help: "SO_REUSEPORT: several world processes (one per core) can share the port.") var reusePort = false
    @Option(help: "PostgreSQL URL (default: $DATABASE_URL; none means SQLite).")
    var databaseURL: String?
    @Option(help: "SQLite file when there is no database URL (default: $WORLD_SQLITE_PATH, else a temp file deleted at exit).")
    var sqlite: String?
    @Option(help: "Most PostgreSQL connections per event loop.") var dbConnections = 8
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).") var logLevel = "info"
    @Flag(help: "A span per request and per database call (W3C traceparent honoured), each logged when it ends.")
    var tracing = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard threads.map({ $0 > 0 }) ?? true else { throw ValidationError("--threads must be at least 1") }
        guard dbConnections > 0 else { throw ValidationError("--db-connections must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if let databaseURL = resolvedDatabaseURL, !databaseURL.isEmpty {
            do { _ = try DatabaseURL.configuration(databaseURL) } catch { throw ValidationError("\(error)") }
        }
    }

    var resolvedDatabaseURL: String? { databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] }

    func run() async throws {
        var logger = Logger(label: "world")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = ServerConfiguration(
            target: unixSocket.map { .unixSocket(path: $0) } ?? .tcp(host: host, port: port),
            logger: logger
        )
        if let threads { configuration.eventLoopThreads = threads }
        configuration.reusePort = reusePort
        let database = try await WorldDatabaseFactory.open(
            databaseURL: resolvedDatabaseURL,
            sqlitePath: sqlite ?? ProcessInfo.processInfo.environment["WORLD_SQLITE_PATH"], connectionsPerLoop: dbConnections, logger: logger
        )
        var spans = Logger(label: "spans")
        spans.logLevel = logger.logLevel
        let tracer: (any Tracer)? = tracing ? LoggingTracer(logger: spans) : nil
        try await WorldRoutes.make(configuration: configuration, database: database, tracer: tracer).run()
    }
}
