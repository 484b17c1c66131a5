/// A route that cannot be registered: its pattern is invalid, it has the same shape as a
/// route already registered for the same method, or its method name is not a token.
///
/// Thrown by ``Router/add(_:_:_:)`` when the application starts, never while serving, so
/// the message is written for the developer: it quotes the pattern (both patterns for a
/// conflict) and says what to change.
public struct RoutingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the route.
    public enum Kind: Sendable, Hashable {
        /// The pattern breaks a rule: see ``Router`` for the syntax.
        case invalidPattern
        /// The pattern has the same shape as one already registered for the method.
        case conflict
        /// The method name is not an HTTP token, or `HTTPMethod/other` was given without a name.
        case invalidMethod
    }

    /// What is wrong with the route.
    public let kind: Kind
    /// What went wrong and where, naming the pattern(s).
    public let message: String

    /// An error of `kind`, explained by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ pattern: String, _ reason: String) -> RoutingError {
        RoutingError(.invalidPattern, "invalid route pattern \(String(reflecting: pattern)): \(reason)")
    }
}
