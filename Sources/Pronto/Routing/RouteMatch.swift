/// What the router found for a method and a path.
public enum RouteMatch<Handler> {
    /// A route of this method matches the path.
    case found(Handler, Parameters)
    /// A HEAD request, no HEAD route for the path, served by the GET route's handler: the
    /// caller sends the GET response's head without its body.
    case headFallback(Handler, Parameters)
    /// An OPTIONS request on a path that has routes but no OPTIONS route: the caller answers
    /// (204 or 200) with an `Allow` header listing `allowed`.
    case options(allowed: [String])
    /// The path has routes, none for this method: the caller answers 405 with an `Allow`
    /// header listing `allowed` (HEAD when GET is there, OPTIONS always).
    case methodNotAllowed(allowed: [String])
    /// No route matches the path: 404.
    case notFound

    /// The handler, for ``found(_:_:)`` and ``headFallback(_:_:)``.
    public var handler: Handler? {
        switch self {
        case .found(let handler, _), .headFallback(let handler, _): handler
        default: nil
        }
    }

    /// The parameters, for ``found(_:_:)`` and ``headFallback(_:_:)``.
    public var parameters: Parameters? {
        switch self {
        case .found(_, let parameters), .headFallback(_, let parameters): parameters
        default: nil
        }
    }

    /// The `Allow` list, for ``options(allowed:)`` and ``methodNotAllowed(allowed:)``.
    public var allowed: [String]? {
        switch self {
        case .options(let allowed), .methodNotAllowed(let allowed): allowed
        default: nil
        }
    }

    /// The value of an `Allow` header for `allowed`: `GET, HEAD, OPTIONS`.
    public static func allowHeader(_ allowed: [String]) -> String { allowed.joined(separator: ", ") }
}

extension RouteMatch: Sendable where Handler: Sendable {}
