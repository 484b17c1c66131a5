/// A path parameter that a handler asked for and could not have: its value does not
/// convert to the type asked for (a client error, 400), or the route has no parameter of
/// that name (a server bug, 500).
public struct ParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the parameter could not be had.
    public enum Kind: Sendable, Hashable {
        /// The value is there but is not a valid value of the type asked for.
        case invalidValue
        /// The matched route has no parameter of this name.
        case missing
    }

    /// Why the parameter could not be had.
    public let kind: Kind
    /// The parameter's name as written in the pattern (`*` for the catch-all).
    public let name: String
    /// The value received (percent-decoded), `nil` when missing.
    public let value: String?
    /// The name of the type the value was asked as (`Int`, `UUID`…).
    public let expectedType: String

    /// An error for parameter `name` with `value` (nil when missing), asked for as `expectedType`.
    public init(kind: Kind, name: String, value: String?, expectedType: String) {
        self.kind = kind
        self.name = name
        self.value = value
        self.expectedType = expectedType
    }

    /// The status a response to this error carries: 400 for a bad value, 500 for a name the
    /// route does not have.
    public var status: HTTPStatus { kind == .invalidValue ? .badRequest : .internalServerError }

    public var description: String {
        switch kind {
        case .invalidValue:
            "path parameter \(String(reflecting: name)) is \(String(reflecting: value ?? "")), which is not a valid \(expectedType)"
        case .missing:
            "the route has no path parameter \(String(reflecting: name))"
        }
    }
}
