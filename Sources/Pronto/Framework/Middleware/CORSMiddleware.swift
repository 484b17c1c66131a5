/// Cross-origin resource sharing (the Fetch standard's CORS protocol): answers preflight
/// `OPTIONS` requests itself and adds `Access-Control-Allow-Origin` (and friends) to the
/// responses of allowed origins.
///
/// ```swift
/// app.use(try CORSMiddleware(allowedOrigins: .list(["https://example.com"]), allowCredentials: true))
/// ```
public struct CORSMiddleware: InlineMiddleware {
    /// Which origins may read responses.
    public enum AllowedOrigins: Sendable {
        /// Any origin (`*`; not with credentials).
        case any
        /// Exactly these origins (e.g. `https://example.com`).
        case list(Set<String>)
    }

    // Constants: the initialiser checks them together (credentials need listed origins).
    /// The origins allowed.
    public let allowedOrigins: AllowedOrigins
    /// The methods a preflight allows.
    public var allowedMethods: [HTTPMethod]
    /// The request headers a preflight allows.
    public var allowedHeaders: [String]
    /// The response headers scripts may read (`Access-Control-Expose-Headers`).
    public var exposedHeaders: [String]
    /// Whether cookies and credentials may be sent (`Access-Control-Allow-Credentials`).
    public let allowCredentials: Bool
    /// How long a browser may cache a preflight answer, in seconds.
    public var maxAge: Int?

    /// - Throws: `ConfigurationError` when `allowCredentials` is true with `.any` origins:
    ///   browsers refuse credentials for any origin, so list the origins to allow them.
    public init(
        allowedOrigins: AllowedOrigins = .any,
        allowedMethods: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options],
        allowedHeaders: [String] = ["Accept", "Authorization", "Content-Type", "Origin", "X-Requested-With"],
        exposedHeaders: [String] = [],
        allowCredentials: Bool = false,
        maxAge: Int? = 600
    ) throws {
        if allowCredentials, case .any = allowedOrigins {
            // Browsers refuse credentialed responses that say `Access-Control-Allow-Origin: *`.
            throw ConfigurationError(
                property: "CORSMiddleware.allowCredentials", value: "true",
                expected: #"false with allowedOrigins .any (browsers refuse credentials for any origin); to allow credentials, list the origins: .list(["https://example.com"])"#)
        }
        self.allowedOrigins = allowedOrigins
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.allowCredentials = allowCredentials
        self.maxAge = maxAge
    }

    /// The `Access-Control-Allow-Origin` value for an allowed origin, or nil (no CORS headers).
    public func willRespond(to request: inout Request) -> MiddlewareStep<String?> {
        guard let origin = request.header("origin"), let allowOrigin = allowOriginValue(for: origin) else { return .proceed(nil) }
        guard request.method == .options, request.header("access-control-request-method") != nil else { return .proceed(allowOrigin) }
        // A preflight: answered here, the route is not called.
        var response = Response(status: .noContent)
        addHeaders(allowOrigin, preflight: true, to: &response)
        return .respond(response)
    }

    public func didRespond(to request: Request, context allowOrigin: String?, response: inout Response) {
        if let allowOrigin { addHeaders(allowOrigin, preflight: false, to: &response) }
    }

    private func addHeaders(_ allowOrigin: String, preflight: Bool, to response: inout Response) {
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: allowOrigin)
        if case .list = allowedOrigins { response.headers.add(name: "Vary", value: "Origin") }
        if allowCredentials { response.headers.replaceOrAdd(name: "Access-Control-Allow-Credentials", value: "true") }
        if preflight {
            response.headers.replaceOrAdd(name: "Access-Control-Allow-Methods", value: allowedMethods.compactMap(\.name).joined(separator: ", "))
            response.headers.replaceOrAdd(name: "Access-Control-Allow-Headers", value: allowedHeaders.joined(separator: ", "))
            if let maxAge { response.headers.replaceOrAdd(name: "Access-Control-Max-Age", value: String(maxAge)) }
        } else if !exposedHeaders.isEmpty {
            response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: exposedHeaders.joined(separator: ", "))
        }
    }

    private func allowOriginValue(for origin: String) -> String? {
        switch allowedOrigins {
        case .any: "*"
        case .list(let origins): origins.contains(origin) ? origin : nil
        }
    }
}
