/// Gives every request an id: the client's `X-Request-ID` when it sent a sane one (at most
/// 200 visible ASCII characters), else a new random one (32 lowercase hex digits). The id
/// is echoed in the response's `X-Request-ID` and is readable by handlers through
/// `Request/requestID`.
///
/// It allocates only for the `String` of the id, made when the response is answered (and
/// each time a handler reads `Request/requestID`): the request keeps where the id comes
/// from, not the text.
public struct RequestIDMiddleware: InlineMiddleware {
    /// The header read from the request and set on the response.
    public static let headerName = "X-Request-ID"

    /// The middleware; it has no options.
    public init() {}

    public func willRespond(to request: inout Request) -> MiddlewareStep<Void> {
        if Self.hasSaneHeader(request) {
            request.requestIDSource = .header
        } else {
            var generator = SystemRandomNumberGenerator()
            request.requestIDSource = .generated(generator.next(), generator.next())
        }
        return .proceed
    }

    public func didRespond(to request: Request, context: Void, response: inout Response) {
        if let id = request.requestID { response.headers.replaceOrAdd(name: Self.headerName, value: id) }
    }

    /// Whether the first `X-Request-ID` is at most 200 bytes, each visible ASCII; checked
    /// on the head's bytes, without making a `String`.
    static func hasSaneHeader(_ request: Request) -> Bool {
        request.withHeadBytes { bytes in
            guard let index = request.head.firstHeaderIndex(named: "x-request-id", in: bytes) else { return false }
            let value = request.head.headers[index].value
            guard value.count <= 200 else { return false }
            return UnsafeRawBufferPointer(rebasing: bytes[value.range]).allSatisfy { $0 > 0x20 && $0 < 0x7F }
        }
    }

    /// 128 bits as 32 lowercase hex digits, in one allocation.
    static func hex(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for i in 0..<32 {
                let word = i < 16 ? high : low
                let nibble = Int(truncatingIfNeeded: word >> UInt64(60 - 4 * (i % 16))) & 0xF
                buffer[i] = digits.utf8Start[nibble]
            }
            return 32
        }
    }
}

extension Request {
    /// The request id given by ``RequestIDMiddleware``, or nil when it did not run for
    /// this request. Each read makes the `String`.
    public var requestID: String? {
        switch requestIDSource {
        case .none: nil
        case .header: header(RequestIDMiddleware.headerName)
        case .generated(let high, let low): RequestIDMiddleware.hex(high, low)
        }
    }
}
