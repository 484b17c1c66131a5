import Pronto
import Tracing

/// Starts a server span for every request it wraps, named and annotated as the OpenTelemetry
/// HTTP server conventions say, and runs the handler with the span's context as
/// `ServiceContext.current`: every span the handler starts (a database query wrapped in
/// `withSpan`, an outgoing HTTP call) is a child of it, in the same trace.
///
/// ```swift
/// InstrumentationSystem.bootstrap(myTracer)   // once per process, before the middleware
/// let app = App()
/// app.use(TracingMiddleware())
/// app.get("/users/{id}") { request async throws in
///     try await withSpan("SELECT user") { _ in try await database.user(request.parameter("id")) }
/// }
/// // GET /users/7 with a traceparent header: a span "GET /users/{id}" (kind server) in
/// // the caller's trace, and "SELECT user" inside it.
/// ```
/// The incoming trace context is read from the request's headers by the tracer itself
/// (`Tracer.extract`): with an OpenTelemetry tracer, or ``LoggingTracer``, that is W3C
/// `traceparent` and `tracestate`.
///
/// Install it first (outermost), so the other middleware run inside the span. It is an
/// `InlineMiddleware`: a synchronous route stays synchronous (the context is bound for the
/// call, synchronously). With no tracer bootstrapped (`NoOpTracer`) it wraps nothing and
/// costs nothing. The span ends when the handler has returned its response: a streamed
/// body's sending is not in it.
public struct TracingMiddleware: InlineMiddleware, RouteAwareMiddleware {
    private let tracer: any Tracer
    private let route: RouteDescription?
    private let recordsQuery: Bool

    /// Spans started by `tracer`: by default the one `InstrumentationSystem.bootstrap`
    /// installed (read now, so bootstrap first). `recordingQuery`: put the query string
    /// in `url.query`; off when it may carry secrets (tokens, e-mail addresses).
    public init(tracer: any Tracer = InstrumentationSystem.tracer, recordingQuery: Bool = true) {
        self.init(tracer: tracer, route: nil, recordsQuery: recordingQuery)
    }

    private init(tracer: any Tracer, route: RouteDescription?, recordsQuery: Bool) {
        self.tracer = tracer
        self.route = route
        self.recordsQuery = recordsQuery
    }

    /// This middleware for `route`: its span names and `http.route` are made now.
    public func middleware(for route: RouteDescription?) -> any Middleware {
        TracingMiddleware(tracer: tracer, route: route, recordsQuery: recordsQuery)
    }

    private var isDisabled: Bool { tracer is NoOpTracer }

    /// `handler` inside a span, still synchronous.
    public func wrap(_ handler: @escaping SyncResponder) -> SyncResponder {
        if isDisabled { return handler }
        return { request in
            let span = startSpan(for: request)
            defer { span.end() }
            let response: Response
            do {
                response = try ServiceContext.$current.withValue(span.context) { try handler(request) }
            } catch {
                Self.record(error, in: span)
                throw error
            }
            Self.record(response.status.code, in: span)
            return response
        }
    }

    /// `handler` inside a span: the span's context is `ServiceContext.current` while it runs.
    public func wrap(_ handler: @escaping AsyncResponder) -> AsyncResponder {
        if isDisabled { return handler }
        return { request in try await traced(request) { try await handler(request) } }
    }

    /// The `Middleware` form, for chains that hold an async middleware too.
    public func handle(_ request: Request, next: Next) async throws -> Response {
        if isDisabled { return try await next(request) }
        return try await traced(request) { try await next(request) }
    }

    private nonisolated(nonsending) func traced(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        let span = startSpan(for: request)
        defer { span.end() }
        let response: Response
        do {
            response = try await ServiceContext.$current.withValue(span.context) { try await body() }
        } catch {
            Self.record(error, in: span)
            throw error
        }
        Self.record(response.status.code, in: span)
        return response
    }

    private func startSpan(for request: Request) -> any Span {
        var context = ServiceContext.current ?? .topLevel
        tracer.extract(request, into: &context, using: RequestHeaderExtractor())
        let method = request.method.name
        let span = tracer.startSpan(spanName(method: method), context: context, ofKind: .server)
        if span.isRecording { annotate(span, with: request, method: method) }
        return span
    }

    /// `{method} {route}`, or `{method}` when no route matched, `HTTP` for a method that is
    /// not a registered one (the conventions' names: low in cardinality).
    private func spanName(method: String?) -> String {
        guard let method else { return route.map { "HTTP \($0.pattern)" } ?? "HTTP" }
        guard let route else { return method }
        return "\(method) \(route.pattern)"
    }

    private func annotate(_ span: any Span, with request: Request, method: String?) {
        typealias Key = HTTPServerSpanAttributes
        span.updateAttributes { attributes in
            if let method {
                attributes[Key.method] = method
            } else {
                attributes[Key.method] = "_OTHER"
                attributes[Key.methodOriginal] = request.methodName
            }
            attributes[Key.urlScheme] = "http"
            attributes[Key.urlPath] = request.path
            if recordsQuery, let query = request.query { attributes[Key.urlQuery] = query }
            if let route { attributes[Key.route] = route.pattern }
            attributes[Key.protocolVersion] = request.head.version == .http1_0 ? "1.0" : "1.1"
            if let remote = request.connection.remoteAddress {
                if let ip = remote.ipAddress { attributes[Key.clientAddress] = ip }
                if let port = remote.port { attributes[Key.clientPort] = port }
            }
            if let host = request.host {
                let (address, port) = Self.split(host: host)
                attributes[Key.serverAddress] = address
                if let port { attributes[Key.serverPort] = port }
            }
            if let userAgent = request.header("user-agent") { attributes[Key.userAgent] = userAgent }
        }
    }

    /// The status answered; a 5xx marks the span as failed (a 4xx is the client's error,
    /// not the server's, so the conventions leave the status unset).
    private static func record(_ status: Int, in span: any Span) {
        span.attributes[HTTPServerSpanAttributes.statusCode] = status
        if status >= 500 {
            span.attributes[HTTPServerSpanAttributes.errorType] = String(status)
            span.setStatus(SpanStatus(code: .error))
        }
    }

    /// A thrown error: recorded on the span, with the status it is answered with (its own
    /// for a `ResponseError` such as `HTTPError`, else 500).
    private static func record(_ error: any Error, in span: any Span) {
        let status = (error as? any ResponseError)?.response.status.code ?? 500
        span.recordError(error)
        span.attributes[HTTPServerSpanAttributes.statusCode] = status
        if status >= 500 {
            span.attributes[HTTPServerSpanAttributes.errorType] = String(reflecting: type(of: error))
            span.setStatus(SpanStatus(code: .error, message: String(describing: error)))
        }
    }

    /// `example.com:8080` as ("example.com", 8080); `[::1]:80` as ("::1", 80).
    static func split(host: String) -> (address: String, port: Int?) {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let address = String(host[host.index(after: host.startIndex)..<close])
            let rest = host[host.index(after: close)...]
            return (address, rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil)
        }
        guard let colon = host.lastIndex(of: ":") else { return (host, nil) }
        return (String(host[..<colon]), Int(host[host.index(after: colon)...]))
    }
}

/// Reads a propagation header (`traceparent`, `tracestate`, a vendor's) from a request,
/// for `Instrument.extract`.
public struct RequestHeaderExtractor: Extractor {
    /// An extractor (it holds nothing).
    public init() {}

    /// The first value of header `key` (case-insensitive), if the request has it.
    public func extract(key: String, from request: Request) -> String? {
        request.header(key)
    }
}
