import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import Pronto
import ProntoCompression
import ProntoHTTP2
import ProntoMetrics
import ProntoPrometheus
import ProntoTLS
import ProntoTracing
import Tracing

/// `{"message":"..."}`, encoded into the response buffer per request.
struct MessageJSON: ResponseBodyWriter {
    let message: String

    func write(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"message\":")
        buffer.writeJSONString(message)
        buffer.writeStaticString("}")
    }
}

/// `{"message":"Hello NAME"}` through Pronto's Codable JSON encoder.
struct Greeting: Codable, Sendable, ResponseEncodable {
    let message: String
}

/// A mistake in hello's own settings, said plainly.
struct HelloError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The hello example's routes: the TechEmpower plaintext and json tests, Roll's
/// `/hello/{name}`, an echo, and streaming (`/sse`, `/stream`, `/upload`).
enum HelloApp {
    /// The `Public/` folder shipped beside this source file: hello's default `--public`.
    static let defaultPublicDirectory: String = {
        var path = #filePath
        while let last = path.last, last != "/" { path.removeLast() }
        return path + "Public"
    }()

    /// `metrics`: record every request (OpenTelemetry names, through swift-metrics into the
    /// process's Prometheus registry: the duration, and the metrics in the set) and serve
    /// them at `GET /metrics`; nil records nothing.
    /// `tracing`: a server span per request from the process's tracer (hello's `--tracing`
    /// bootstraps a ``LoggingTracer``).
    static func make(
        configuration: ServerConfiguration, publicDirectory: String = defaultPublicDirectory,
        metrics: MetricsMiddleware.Recorded? = nil, tracing: Bool = false
    ) -> App {
        let app = App(configuration: configuration)
        if tracing {
            // Outermost: every other middleware runs inside the request's span.
            app.use(TracingMiddleware())
        }
        if let metrics {
            // Outermost, so it counts what every other middleware answers too.
            app.use(MetricsMiddleware(recording: metrics, factory: PrometheusMetricsFactory.pronto()))
            app.prometheusEndpoint()
        }
        // `GET /static/index.html`: files from --public, with ETag, ranges and HEAD, gzip or
        // deflate when the client accepts it (the default settings cannot throw).
        let compressed = app.group("", middleware: [try! CompressionMiddleware()])
        compressed.static("/static", directory: publicDirectory)
        // Checked when the server starts (in each worker, under a supervisor): a mistyped
        // --public is an error at start, not a 404 for every file.
        app.onStartup { _ in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: publicDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw HelloError("--public \(publicDirectory) is not a folder: give the folder to serve under /static")
            }
        }
        app.get("/plaintext", plaintext)  // the handlers of /plaintext and /hello/{name}: ExtensionRoutes.swift
        app.get("/json") { _ in
            // Encoded per request by a hand-written writer: the allocation-free path.
            Response(contentType: "application/json", body: .writer(MessageJSON(message: "Hello, World!")))
        }
        app.get("/async/plaintext") { _ async in
            // The /plaintext route as an async handler that awaits nothing: the benchmark
            // compares the two to price the task an async handler runs in.
            Response(contentType: "text/plain", body: .string("Hello, World!"))
        }
        app.get("/hello/{name}", hello)
        app.post("/echo") { request in
            Response(
                contentType: request.contentType ?? "application/octet-stream",
                body: request.body.map { .bytes($0) } ?? .empty
            )
        }
        BenchmarkRoutes.add(to: app)
        ExtensionRoutes.add(to: app)
        StreamingRoutes.add(to: app)
        WebSocketRoutes.add(to: app)
        return app
    }

    /// The same routes on the bare engine, without the framework (no router, no App, no
    /// Codable: `/hello/NAME` is written by hand and not percent-decoded): what the
    /// benchmark compares the framework with (`hello --engine`).
    static let engineHandler = HTTPHandler.sync { request in
        if request.pathEquals("/plaintext") {
            return Response(contentType: "text/plain", body: .string("Hello, World!"))
        }
        if request.pathEquals("/json") {
            return Response(contentType: "application/json", body: .writer(MessageJSON(message: "Hello, World!")))
        }
        let path = request.path
        if path.hasPrefix("/hello/") {
            return Response(contentType: "application/json", body: .writer(MessageJSON(message: "Hello \(path.dropFirst(7))")))
        }
        if request.pathEquals("/echo"), request.method == .post {
            return Response(contentType: request.contentType ?? "application/octet-stream", body: request.body.map { .bytes($0) } ?? .empty)
        }
        return Response(status: .notFound, contentType: "text/plain; charset=utf-8", body: .string("Not Found\n"))
    }
}

@main
struct Hello: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello",
        abstract: "Pronto's hello example: GET /plaintext, /json, /hello/{name}, /sse, /stream, /static/*; POST /echo, /upload."
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "TCP port (0 picks a free one).") var port = 8080
    @Option(help: "Listen on this UNIX domain socket path instead of TCP.") var unixSocket: String?
    @Option(help: "Event-loop threads (default: one per core; with --workers, one per worker).") var threads: Int?
    @Option(help: "Worker processes under a supervisor that restarts them (SIGHUP replaces them, SIGUSR2 upgrades the binary); 0: serve in this process.")
    var workers = 0
    @Option(help: "UNIX socket where the supervisor answers --status.") var controlSocket: String?
    @Option(help: "Print the status of the supervisor whose control socket is at this path, and exit.")
    var status: String?
    @Flag(help: "Development: rebuild when a source changes and swap the worker, keeping the socket; a failed build is served as a 503 page.")
    var reload = false
    @Option(help: "With --reload: the shell command that rebuilds (default: swift build --product hello in this package).")
    var reloadBuild: String?
    @Option(help: "With --reload: a folder to watch (repeatable; default: the package, or the current folder with --reload-build).")
    var reloadWatch: [String] = []
    @Option(help: "Longest request line, bytes.") var maxRequestLine = HTTPLimits.default.maxRequestLineLength
    @Option(help: "Largest header section, bytes.") var maxHeaderSize = HTTPLimits.default.maxHeaderSectionSize
    @Option(help: "Most header fields.") var maxHeaders = HTTPLimits.default.maxHeaderCount
    @Option(help: "Largest request body, bytes.") var maxBody = HTTPLimits.default.maxBodySize
    @Option(help: "Keep-alive idle timeout, seconds.") var idleTimeout: Double = 60
    @Option(help: "Deadline for a complete request head, seconds.") var requestTimeout: Double = 10
    @Option(help: "Connections served at once; more wait in the backlog (default: from the descriptor limit).")
    var maxConnections: Int?
    @Option(help: "Slowest average request body rate, bytes/s after 10 s (0: no minimum).") var minBodyRate = 1024
    @Option(help: "Seconds the output may stay blocked by a client that does not read.") var writeTimeout: Double = 30
    @Option(help: "Seconds a graceful shutdown (SIGTERM) waits for requests in flight.") var shutdownGrace: Double = 10
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).") var logLevel = "info"
    @Option(help: "Folder served under /static (default: the Public folder shipped with the example).")
    var `public`: String?
    @Flag(help: "Serve /plaintext, /json and /echo on the bare engine, without App and its router (for benchmarks).")
    var engine = false
    @Flag(help: "Record request durations (OpenTelemetry HTTP names) and serve them at GET /metrics in Prometheus text format.")
    var metrics = false
    @Flag(help: "As --metrics, with the requests in flight and the request and response body sizes too.")
    var metricsAll = false
    @Flag(help: "A span per request (W3C traceparent honoured), each logged when it ends.")
    var tracing = false
    @Option(help: "PEM certificate chain: serve HTTPS (with --tls-key; SIGHUP reloads both files).")
    var tlsCert: String?
    @Option(help: "PEM private key of --tls-cert.") var tlsKey: String?
    @Flag(help: "Offer HTTP/2: by ALPN with TLS, else cleartext h2c (prior knowledge) beside HTTP/1.1 on the same port.")
    var http2 = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard threads.map({ $0 > 0 }) ?? true else { throw ValidationError("--threads must be at least 1") }
        guard (0...1024).contains(workers) else { throw ValidationError("--workers must be 0...1024") }
        guard maxRequestLine > 0, maxHeaderSize > 0, maxHeaders > 0, maxBody >= 0 else {
            throw ValidationError("limits must be positive")
        }
        guard idleTimeout > 0, requestTimeout > 0, writeTimeout > 0, shutdownGrace >= 0 else {
            throw ValidationError("timeouts must be positive")
        }
        guard maxConnections.map({ $0 > 0 }) ?? true else { throw ValidationError("--max-connections must be at least 1") }
        guard minBodyRate >= 0 else { throw ValidationError("--min-body-rate must be 0 or more") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard !(engine && (metrics || metricsAll || tracing)) else {
            throw ValidationError("--metrics and --tracing need the framework: they are middleware, and --engine has none")
        }
    }

    func run() async throws {
        if let status {
            return print(try Supervisor.status(controlSocket: status), terminator: "")
        }
        var logger = Logger(label: "hello")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = ServerConfiguration(
            target: unixSocket.map { .unixSocket(path: $0) } ?? .tcp(host: host, port: port),
            limits: HTTPLimits(
                maxRequestLineLength: maxRequestLine, maxHeaderSectionSize: maxHeaderSize,
                maxHeaderCount: maxHeaders, maxBodySize: maxBody
            ),
            idleTimeout: .nanoseconds(Int64(idleTimeout * 1e9)),
            requestHeadTimeout: .nanoseconds(Int64(requestTimeout * 1e9)),
            logger: logger
        )
        configuration.workers = workers
        configuration.controlSocketPath = controlSocket
        if reload {
            if let reloadBuild {
                let here = FileManager.default.currentDirectoryPath
                configuration.reload = ReloadConfiguration(
                    watchedDirectories: reloadWatch.isEmpty ? [here] : reloadWatch,
                    buildCommand: ["/bin/sh", "-c", reloadBuild], workingDirectory: here)
            } else {
                var detected = try ReloadConfiguration.forRunningExecutable()
                if !reloadWatch.isEmpty { detected.watchedDirectories = reloadWatch }
                configuration.reload = detected
            }
        }
        if let threads {
            configuration.eventLoopThreads = threads
        } else if workers > 0 {
            configuration.eventLoopThreads = 1
        }
        if let maxConnections { configuration.maxConnections = maxConnections }
        configuration.minimumRequestBodyRate = minBodyRate == 0 ? nil : MinimumDataRate(bytesPerSecond: minBodyRate, gracePeriod: .seconds(10))
        configuration.writeTimeout = .nanoseconds(Int64(writeTimeout * 1e9))
        configuration.shutdownGracePeriod = .nanoseconds(Int64(shutdownGrace * 1e9))
        if let tlsCert, let tlsKey {
            let tls = try TLSPipeline(certificateChainPath: tlsCert, privateKeyPath: tlsKey, http2: http2 ? HTTP2Configuration() : nil)
            configuration.connectionPipeline = tls
            // Under a supervisor, SIGHUP replaces the workers, which read the files afresh.
            if workers == 0, configuration.reload == nil { await tls.certificates.reloadOnHangup(logger: logger) }
        } else if http2 {
            configuration.connectionPipeline = HTTP2Pipeline()
        }
        if engine {
            try await Server(configuration: configuration, handler: HelloApp.engineHandler).run()
        } else {
            let recorded: MetricsMiddleware.Recorded? = metricsAll ? .all : metrics ? [] : nil
            if recorded != nil {
                // Also the process-wide backend, for any other library's swift-metrics.
                MetricsSystem.bootstrap(PrometheusMetricsFactory.pronto())
            }
            if tracing {
                var spans = Logger(label: "spans")
                spans.logLevel = logger.logLevel  // --log-level warning hides them too
                InstrumentationSystem.bootstrap(LoggingTracer(logger: spans))
            }
            try await HelloApp.make(
                configuration: configuration, publicDirectory: `public` ?? HelloApp.defaultPublicDirectory,
                metrics: recorded, tracing: tracing
            ).run()
        }
    }
}
