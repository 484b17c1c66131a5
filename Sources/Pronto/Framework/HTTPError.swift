/// An error a handler throws to answer with a given status and a short reason.
///
/// ```swift
/// guard let user = users[id] else { throw HTTPError(.notFound, "no user \(id)") }
/// ```
/// The reason is sent to the client as the `text/plain` body, so it must not leak secrets.
/// Any other error thrown by a handler becomes a 500 whose body says nothing; the error
/// itself goes to the log.
public struct HTTPError: ResponseError, Sendable, Hashable, CustomStringConvertible {
    /// The status answered.
    public let status: HTTPStatus
    /// The text of the answer's body.
    public let reason: String

    /// An error answered with `status` and `reason` (by default the status's reason phrase).
    public init(_ status: HTTPStatus, _ reason: String? = nil) {
        self.status = status
        self.reason = reason ?? status.reasonPhrase
    }

    public var description: String { "\(status.code) \(reason)" }

    /// The response this error is answered with.
    public var response: Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: .string(reason + "\n"))
    }
}
