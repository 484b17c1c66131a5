/// An invalid configuration value: which setting, which value, and what a valid one is
/// (with how to get it).
///
/// Thrown by ``ServerConfiguration/validate()`` (so by ``Server/start()`` before it binds),
/// and by the layers above for their own settings (`PRONTO_*` environment variables, say).
/// Its description reads, for example:
///
/// ```
/// PRONTO_PORT="eighty" is invalid: expected an integer in 0...65535
/// ServerConfiguration.maxPipelinedRequests = 0 is invalid: expected at least 1 (1 answers a connection's requests one at a time; the default is 128)
/// ```
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The setting: an environment variable (`PRONTO_PORT`) or a property
    /// (`ServerConfiguration.backlog`).
    public let variable: String
    /// The rejected value, as text.
    public let value: String
    /// What a valid value is, and how to get one.
    public let expected: String
    /// How the description shows the setting and its value.
    private let assignment: String

    /// A malformed environment variable: its text is quoted in the description.
    package init(variable: String, value: String, expected: String) {
        self.variable = variable
        self.value = value
        self.expected = expected
        assignment = "\(variable)=\(String(reflecting: value))"
    }

    /// An invalid property: `value` is shown as given (Swift-like: `0`, `-1 s`,
    /// `.tcp(host: "::1", port: 70000)`), or quoted when `quoted` (a path).
    package init(property: String, value: String, quoted: Bool = false, expected: String) {
        variable = property
        self.value = value
        self.expected = expected
        assignment = "\(property) = \(quoted ? String(reflecting: value) : value)"
    }

    /// `SETTING = value is invalid: expected …`, as in the examples above.
    public var description: String { "\(assignment) is invalid: expected \(expected)" }
}
