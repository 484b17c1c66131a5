import NIOCore

/// A JSON response body: `value` is encoded by ``JSONBufferEncoder`` when the engine
/// writes the response, straight into the connection's buffer (no `Data`, `[UInt8]` or
/// `String` in between).
///
/// An encoding error (a NaN `Double`, or whatever the value's `encode(to:)` throws)
/// surfaces when the engine writes the body: that request gets a 500 and the error goes
/// to the log, as for any other invalid response.
public struct JSONBody<Value: Encodable & Sendable>: ResponseBodyWriter {
    /// The value encoded when the response is written.
    public var value: Value
    /// The encoder used.
    public var encoder: JSONBufferEncoder

    /// A body that encodes `value` with `encoder` straight into the output buffer.
    public init(_ value: Value, encoder: JSONBufferEncoder = JSONBufferEncoder()) {
        self.value = value
        self.encoder = encoder
    }

    public func write(into buffer: inout ByteBuffer) throws {
        try encoder.encode(value, into: &buffer)
    }
}

extension Response {
    /// An `application/json` response whose body is `value`, encoded as Foundation's
    /// `JSONEncoder` would (see ``JSONBufferEncoder``) when the response is written.
    public static func json<T: Encodable & Sendable>(_ value: T, status: HTTPStatus = .ok) -> Response {
        Response(status: status, contentType: "application/json", body: .writer(JSONBody(value)))
    }
}

extension ResponseEncodable where Self: Encodable & Sendable {
    /// A `Codable` type that declares ``ResponseEncodable`` is returned as JSON.
    public func response(for request: Request) throws -> Response {
        .json(self)
    }
}
