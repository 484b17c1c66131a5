/// Gives every request an id: the client's `X-Request-ID` when it sent a sane one, else a
/// new random one. The id is echoed in the response's `X-Request-ID` and is readable by
/// handlers through ``Request/requestID``.
public struct RequestIDMiddleware: InlineMiddleware {
    public static let headerName = "X-Request-ID"

    public init() {}

    public func willRespond(to request: inout Request) -> MiddlewareStep<Void> {
        let incoming = request.header(Self.headerName)
        request.requestID = incoming.flatMap { $0.count <= 200 && $0.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } ? $0 : nil } ?? Self.makeID()
        return .proceed
    }

    public func didRespond(to request: Request, context: Void, response: inout Response) {
        if let id = request.requestID { response.headers.replaceOrAdd(name: Self.headerName, value: id) }
    }

    /// 128 random bits as 32 lowercase hex digits.
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = String(high, radix: 16) + String(low, radix: 16)
        return String(repeating: "0", count: max(0, 32 - hex.count)) + hex
    }
}
