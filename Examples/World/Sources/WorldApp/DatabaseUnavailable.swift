import Pronto

/// The database cannot be reached (refused, closed, timed out). Answered with
/// `503 Service Unavailable` and a short reason; the server goes on and the next request
/// tries to connect again.
public struct DatabaseUnavailable: ResponseError, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "database unavailable: \(reason)" }

    public var response: Response {
        var response = Response.text("Service Unavailable: database unavailable (\(reason))\n", status: .serviceUnavailable)
        // Tells well-behaved clients and proxies when to come back.
        response.headers.add(name: "Retry-After", value: "1")
        return response
    }
}
