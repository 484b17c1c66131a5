/// The route a middleware is installed around: its method and pattern as registered
/// (the group's prefix included), such as `GET` and `/hello/{name}`.
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    /// The method's name (`"GET"`, or any other token the route was registered for).
    public let method: String
    /// The pattern as registered, with its parameters unfilled: `/users/{id}`. A template,
    /// not a path: few distinct values, so it is fit for a metric label or a span name.
    public let pattern: String

    /// A route of `method` with `pattern` (its template, group prefix included).
    public init(method: String, pattern: String) {
        self.method = method
        self.pattern = pattern
    }

    public var description: String { "\(method) \(pattern)" }
}

/// Middleware that is specialised for each route it wraps, once, at startup: a metrics or
/// tracing middleware labels by the route's template without looking anything up per request.
///
/// ``App`` folds its middleware into every route when it compiles the routes (see
/// ``App/makeHandler()``); for a middleware of this kind it installs what
/// ``middleware(for:)`` returns instead. The requests no route takes (404, 405 and the
/// automatic OPTIONS answers) get `middleware(for: nil)`.
///
/// ```swift
/// struct RouteHeader: RouteAwareMiddleware, InlineMiddleware {
///     var route: RouteDescription?
///     func middleware(for route: RouteDescription?) -> any Middleware { RouteHeader(route: route) }
///     func didRespond(to request: Request, context: Void, response: inout Response) {
///         response.headers.add(name: "X-Route", value: route?.pattern ?? "none")
///     }
/// }
/// app.use(RouteHeader())   // GET /hello/ada answers with X-Route: /hello/{name}
/// ```
/// The middleware returned keeps its own kind: an ``InlineMiddleware`` keeps a synchronous
/// route synchronous.
public protocol RouteAwareMiddleware: Middleware {
    /// The middleware to install around `route`; nil for the requests that matched no route.
    func middleware(for route: RouteDescription?) -> any Middleware
}
