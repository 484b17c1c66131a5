import NIOCore

/// A request as a handler sees it: the parsed head, the bytes it points into, and the body.
///
/// Nothing is copied when a request is made: ``headBytes`` is a slice of the connection's
/// read buffer and ``head`` holds offsets into it. `String`s are made when asked for
/// (``path``, ``header(_:)``…), so a handler pays only for what it reads.
public struct Request: Sendable {
    /// Offsets of everything the parser recognised.
    public let head: RequestHead
    /// The bytes of the head, request line through the blank line.
    public let headBytes: ByteBuffer
    /// The body as collected or as a stream (see ``body`` and ``bodyStream``).
    @usableFromInline let payload: Payload
    /// The connection the request came on.
    public let connection: ConnectionInfo
    /// What the layer above the engine attached to this request (a framework's per-request
    /// data); the engine never reads it. See ``RequestContextStorage``.
    public var context = RequestContextStorage()

    /// A request over `headBytes`, which `head`'s ranges point into. The engine makes one
    /// per request; make one yourself to call a handler directly.
    public init(head: RequestHead, headBytes: ByteBuffer, body: ByteBuffer?, connection: ConnectionInfo) {
        self.head = head
        self.headBytes = headBytes
        self.payload = body.map(Payload.collected) ?? .none
        self.connection = connection
    }

    /// A request whose body arrives as `bodyStream` (the engine makes these for routes
    /// that stream, see ``RequestBodyPolicy``).
    public init(head: RequestHead, headBytes: ByteBuffer, bodyStream: RequestBodyStream, connection: ConnectionInfo) {
        self.head = head
        self.headBytes = headBytes
        self.payload = .stream(bodyStream)
        self.connection = connection
    }

    @usableFromInline enum Payload: Sendable {
        case none
        case collected(ByteBuffer)
        case stream(RequestBodyStream)
    }

    /// The body, complete (Content-Length or de-chunked), or `nil` when there was none or it
    /// is streamed (see ``bodyStream``).
    @inlinable public var body: ByteBuffer? {
        if case .collected(let body) = payload { return body }
        return nil
    }

    /// The body as it arrives, for a route that streams its body (see ``RequestBodyPolicy``);
    /// nil otherwise.
    public var bodyStream: RequestBodyStream? {
        if case .stream(let stream) = payload { return stream }
        return nil
    }

    /// The whole body, however it arrives: collected already, or read from the stream up
    /// to `maxSize` bytes (``RequestBodyStreamError/tooLarge(limit:)`` past it). Empty when
    /// there is no body.
    public func collectBody(upTo maxSize: Int) async throws -> ByteBuffer {
        switch payload {
        case .none: ByteBuffer()
        case .collected(let body): body
        case .stream(let stream): try await stream.collect(upTo: maxSize)
        }
    }

    /// The peer's address, when the transport has one.
    @inlinable public var remoteAddress: SocketAddress? { connection.remoteAddress }
    /// The event loop of the connection; async handlers run on it.
    @inlinable public var eventLoop: any EventLoop { connection.eventLoop }

    /// The method, `HTTPMethod/other` for one without a case (see ``methodName``).
    @inlinable public var method: HTTPMethod { head.method }
    /// The HTTP version as received.
    @inlinable public var version: HTTPVersion { head.version }
    /// Whether the connection stays open after this request's response.
    @inlinable public var keepAlive: Bool { head.keepAlive }

    /// The method's name as received (`"GET"`, or any other token).
    public var methodName: String { head.method.name ?? string(head.methodRange) }

    /// The path of the target as received (not percent-decoded), `/` for an absolute-form
    /// target without a path, empty for `*` and authority-form targets.
    public var path: String {
        if head.pathRange.isEmpty, head.targetForm == .absolute { return "/" }
        return string(head.pathRange)
    }

    /// The query without `?`, as received, or `nil` when the target had none.
    public var query: String? { head.queryRange.map(string) }

    /// The whole request target as received.
    public var target: String { string(head.targetRange) }

    /// The first value of the header named `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        withHeadBytes { bytes in
            head.firstHeaderIndex(named: name, in: bytes).map { head.string(head.headers[$0].value, in: bytes) }
        }
    }

    /// Every value of the headers named `name` (case-insensitive), in order.
    public func headers(named name: String) -> [String] {
        withHeadBytes { bytes in
            var values: [String] = []
            head.forEachHeaderIndex(named: name, in: bytes) { values.append(head.string(head.headers[$0].value, in: bytes)) }
            return values
        }
    }

    /// Every header as received, in order.
    public var headerFields: [(name: String, value: String)] {
        withHeadBytes { bytes in head.headers.map { (head.string($0.name, in: bytes), head.string($0.value, in: bytes)) } }
    }

    /// The Content-Type header.
    public var contentType: String? { header("content-type") }

    /// The Host header (or the authority of an absolute-form target, which wins, RFC 9112 §3.2.2).
    public var host: String? { (head.authorityRange ?? head.hostRange).map(string) }

    /// Calls `body` with the bytes the head's ranges point into.
    @inlinable
    public func withHeadBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try headBytes.withUnsafeReadableBytes(body)
    }

    /// The bytes of `range` (a range of ``head``) as a `String`.
    public func string(_ range: ByteRange) -> String {
        withHeadBytes { head.string(range, in: $0) }
    }
}

extension Request {
    /// True when the path is exactly `path`, compared on the raw bytes (no `String` made).
    public func pathEquals(_ path: StaticString) -> Bool {
        withHeadBytes { bytes in
            let range = head.pathRange
            guard range.count == path.utf8CodeUnitCount else { return false }
            return memcmpEqual(bytes.baseAddress! + Int(range.lowerBound), path.utf8Start, range.count)
        }
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for i in 0..<count where a.load(fromByteOffset: i, as: UInt8.self) != b[i] { return false }
    return true
}
