import Logging
import Prometheus
import Pronto
import ProntoCompression
import ProntoMetrics
import ProntoPrometheus
import ProntoTracing
import Tracing

extension HelloApp {
    /// `GET /plaintext`: the TechEmpower plaintext test. The same closure answers every
    /// `/ext/<extension>/plaintext` route (``ExtensionRoutes``), so that the two differ by
    /// the middleware only.
    static let plaintext: @Sendable (Request) throws -> Response = { _ in
        Response(contentType: "text/plain", body: .string("Hello, World!"))
    }

    /// `GET /hello/{name}`: Roll's route, a path parameter answered as Codable JSON
    /// (`{"message":"Hello NAME"}`). Shared with every `/ext/<extension>/hello/{name}`.
    static let hello: @Sendable (Request) throws -> Greeting = { request in
        Greeting(message: "Hello \(request.parameter("name") ?? "")")
    }
}

/// The price of each built-in extension (Benchmarks/extensions.sh): hello's `/plaintext` and
/// `/hello/{name}` handlers again under `/ext/<name>/`, behind one extension each, none
/// (`/ext/none/`, the bare route with the same path length and router depth) or all of them
/// (`/ext/all/`).
///
/// Each extension is set up as a real app would set it up, and does its whole work:
/// - `access-log`: ``AccessLogMiddleware`` at info to a swift-log `StreamLogHandler` on
///   standard output. These loggers are hello's own, at info whatever `--log-level` says,
///   so that every line is formatted and written (one `fwrite` and `fflush` each) even in a
///   benchmark run with `--log-level warning`; extensions.sh sends standard output to
///   `/dev/null` (a file or a pipe to a log collector costs more than that `write`).
/// - `cors`: ``CORSMiddleware`` for `https://example.com` only; it does its work when the
///   request has an `Origin` (extensions.sh measures both).
/// - `request-id`: ``RequestIDMiddleware``: a random id for each request, in `X-Request-ID`.
/// - `error`: ``ErrorMiddleware``: these handlers never fail, so it only passes through.
/// - `compression`: ``CompressionMiddleware`` with its defaults: both bodies (13 and 25
///   bytes) are under its 1,024-byte minimum, so it adds `Vary` and compresses nothing, with
///   or without `Accept-Encoding: gzip`. `compression-min0` compresses every body
///   (`minimumSize: 0`): what gzip itself costs on small answers.
/// - `metrics` and `metrics-all`: ``MetricsMiddleware`` recording into Prometheus (the
///   factory hello's `--metrics` uses, `PrometheusMetricsFactory.pronto`) the duration, or
///   (`.all`) the requests in flight and the body sizes too. Their registry is their own,
///   served at `GET /ext/metrics/metrics`, so that `--metrics` does not count them twice.
/// - `tracing`: ``TracingMiddleware`` with the ``LoggingTracer`` hello's `--tracing` uses,
///   writing each span as a line as `access-log` does; `tracing-noop` with `NoOpTracer`,
///   what an app that never bootstraps a tracer pays.
///
/// With `--metrics` or `--tracing`, hello's app-wide middleware wraps these routes too:
/// measure without those flags (extensions.sh does).
enum ExtensionRoutes {
    /// The origin the `cors` groups allow.
    static let allowedOrigin = "https://example.com"

    /// The registry of the `metrics` groups (not the process's: see above).
    static let registry = PrometheusCollectorRegistry()

    /// A logger that formats and writes every line at info and above, to standard output.
    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardOutput(label: $0) }
        logger.logLevel = .info
        return logger
    }

    /// The groups' names and middleware, in the table's order; `all` is every extension
    /// in the order an app installs them (tracing and metrics outermost, the access log
    /// outside the error middleware so that it logs the final status).
    static func groups() -> [(name: String, middleware: [any Middleware])] {
        let tracer = LoggingTracer(logger: logger("ext.spans"))
        let factory = PrometheusMetricsFactory.pronto(registry: registry)
        // The defaults and a listed origin cannot throw.
        let cors = try! CORSMiddleware(allowedOrigins: .list([allowedOrigin]))
        let compression = try! CompressionMiddleware()
        let accessLog = AccessLogMiddleware(logger: logger("ext.access"), level: .info)
        let errors = ErrorMiddleware(logger: logger("ext.errors"))
        let metrics = MetricsMiddleware(recording: [], factory: factory)
        let tracing = TracingMiddleware(tracer: tracer)
        return [
            ("none", []),
            ("access-log", [accessLog]),
            ("cors", [cors]),
            ("request-id", [RequestIDMiddleware()]),
            ("error", [errors]),
            ("compression", [compression]),
            ("compression-min0", [try! CompressionMiddleware(minimumSize: 0)]),
            ("metrics", [metrics]),
            ("metrics-all", [MetricsMiddleware(recording: .all, factory: factory)]),
            ("tracing", [tracing]),
            ("tracing-noop", [TracingMiddleware(tracer: NoOpTracer())]),
            ("all", [tracing, metrics, accessLog, errors, RequestIDMiddleware(), cors, compression]),
        ]
    }

    /// Registers `/ext/<name>/plaintext` and `/ext/<name>/hello/{name}` for every group, and
    /// `GET /ext/metrics/metrics`.
    static func add(to app: App) {
        for (name, middleware) in groups() {
            let group = app.group("/ext/\(name)", middleware: middleware)
            group.get("/plaintext", HelloApp.plaintext)
            group.get("/hello/{name}", HelloApp.hello)
        }
        app.prometheusEndpoint("/ext/metrics/metrics", registry: registry)
    }
}
