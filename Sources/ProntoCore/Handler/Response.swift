import NIOCore

/// Writes a response body straight into the connection's output buffer.
///
/// Use it for bodies produced per request (encoded documents, templates) to skip an intermediate
/// `String` or `[UInt8]`. A small conforming struct is stored inline in ``Response/Body``,
/// so returning one costs no allocation.
public protocol ResponseBodyWriter: Sendable {
    /// The exact body length, when known before writing; `nil` makes the engine measure it.
    var contentLength: Int? { get }
    /// Appends the body to `buffer`. A thrown error makes the response a 500 (the error
    /// goes to the log); what was appended is discarded.
    func write(into buffer: inout ByteBuffer) throws
}

extension ResponseBodyWriter {
    /// Unknown by default: the engine measures what the writer writes.
    public var contentLength: Int? { nil }
}

/// A response: status, headers and body.
public struct Response: Sendable {
    /// What a response carries after its head.
    public enum Body: Sendable {
        /// No body (`Content-Length: 0` where a body is allowed).
        case empty
        /// The string's UTF-8 bytes.
        case string(String)
        /// The buffer's readable bytes.
        case bytes(ByteBuffer)
        /// Bytes written straight into the output buffer (see ``ResponseBodyWriter``).
        case writer(any ResponseBodyWriter)
        /// Bytes an async function writes while the response is sent (see ``ResponseBodyStream``).
        case stream(ResponseBodyStream)
        /// A file's bytes, sent without reading the file into memory (see ``FileBody``).
        case file(FileBody)
        /// Another protocol after a `101 Switching Protocols` head (see ``ProtocolUpgrade``).
        case upgrade(ProtocolUpgrade)
    }

    /// The status code and reason phrase.
    public var status: HTTPStatus
    /// The Content-Type header, kept apart from ``headers`` because nearly every response
    /// has one: a response with only this header allocates nothing.
    public var contentType: String?
    /// Every other header (the engine adds Date, Content-Length or Transfer-Encoding, and
    /// Connection when needed).
    public var headers: HTTPFields
    /// What follows the head.
    public var body: Body

    /// A response; by default an empty `200 OK`.
    public init(status: HTTPStatus = .ok, contentType: String? = nil, headers: HTTPFields = HTTPFields(), body: Body = .empty) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: .string(text))
    }
}

extension Response.Body {
    /// The body's length in bytes, or nil for a writer or stream that does not know it in
    /// advance (and for an upgrade).
    @inlinable
    public var knownLength: Int? {
        switch self {
        case .empty: 0
        case .string(let string): string.utf8.count
        case .bytes(let bytes): bytes.readableBytes
        case .writer(let writer): writer.contentLength
        case .stream(let stream): stream.contentLength
        case .file(let file): file.length
        case .upgrade: nil
        }
    }

    /// A stream, a file or an upgrade: sent by the connection itself, not written into the output buffer.
    @inlinable
    var isSentByConnection: Bool {
        switch self {
        case .stream, .file, .upgrade: true
        case .empty, .string, .bytes, .writer: false
        }
    }

    /// Appends an in-memory body to `buffer`; throws what a writer throws. Streams and files
    /// are sent by the connection itself (see `HTTPConnectionHandler+Streaming`).
    @inlinable
    func write(into buffer: inout ByteBuffer) throws {
        switch self {
        case .empty: break
        case .string(let string): buffer.writeString(string)
        case .bytes(let bytes): buffer.writeImmutableBuffer(bytes)
        case .writer(let writer): try writer.write(into: &buffer)
        case .stream, .file, .upgrade: preconditionFailure("Response.Body.write(into:): streams, files and upgrades are sent by the connection")
        }
    }
}

/// A ``ResponseBodyWriter`` wrote a different number of bytes than its
/// ``ResponseBodyWriter/contentLength`` announced. The response is answered with a 500
/// instead: sending it would desynchronise the connection.
struct BodyLengthMismatch: Error, CustomStringConvertible {
    let declared: Int
    let written: Int

    var description: String {
        "the body writer declared contentLength \(declared) but wrote \(written) bytes; return nil from contentLength when the length is not known in advance"
    }
}
