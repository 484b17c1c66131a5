/// The attribute names ``TracingMiddleware`` sets on its server spans: those of the
/// OpenTelemetry semantic conventions for HTTP servers (semconv 1.26+, stable), so trace
/// backends show and index them as they do any other server's.
public enum HTTPServerSpanAttributes {
    /// The request's method (`GET`), `_OTHER` for a token that is not a registered method.
    public static let method = "http.request.method"
    /// The method as sent, when ``method`` is `_OTHER`.
    public static let methodOriginal = "http.request.method_original"
    /// The status code answered.
    public static let statusCode = "http.response.status_code"
    /// The matched route's template (`/users/{id}`); absent when no route matched.
    public static let route = "http.route"
    /// `http` (Pronto serves cleartext HTTP/1.1).
    public static let urlScheme = "url.scheme"
    /// The request target's path, as sent.
    public static let urlPath = "url.path"
    /// The query string without its `?`, when there is one and recording it is on.
    public static let urlQuery = "url.query"
    /// `1.1` or `1.0`.
    public static let protocolVersion = "network.protocol.version"
    /// The peer's IP address.
    public static let clientAddress = "client.address"
    /// The peer's port.
    public static let clientPort = "client.port"
    /// The host the client asked for (`Host`, or the absolute target's authority).
    public static let serverAddress = "server.address"
    /// The port in the `Host` header, when it names one.
    public static let serverPort = "server.port"
    /// The `User-Agent` header.
    public static let userAgent = "user_agent.original"
    /// Why a request failed: the 5xx status code, or the thrown error's type.
    public static let errorType = "error.type"
}
