/// One header field line as two ranges into the head's bytes. Nothing is copied:
/// a name or value becomes a `String` only when someone asks for it.
public struct HeaderField: Sendable, Hashable {
    /// The field name's bytes.
    public var name: ByteRange
    /// The value with leading and trailing whitespace removed (RFC 9110 §5.5).
    public var value: ByteRange
}

/// The form of a request target (RFC 9112 §3.2).
public enum TargetForm: Sendable, Hashable {
    /// `/path?query`, what servers see almost always.
    case origin
    /// `http://host/path?query`, as sent to proxies; ``RequestHead/authorityRange`` holds the host.
    case absolute
    /// `host:port`, for CONNECT only.
    case authority
    /// `*`, for server-wide OPTIONS only.
    case asterisk
}

/// A parsed request head: everything the parser learnt, as offsets into the bytes it
/// read from. Use ``string(_:in:)`` or the accessors that take the head's bytes to read values.
///
/// The fields that decide framing and connection handling (Host, Content-Length,
/// Transfer-Encoding, Connection, Expect, Upgrade) are recognised during the scan,
/// so neither the engine nor a handler searches the headers for them.
public struct RequestHead: Sendable {
    /// The method, `.other` for a token that is not a registered method (see `methodRange`).
    public internal(set) var method: HTTPMethod = .get
    /// The method's bytes.
    public internal(set) var methodRange: ByteRange = .empty
    /// The request target's form (RFC 9112 §3.2).
    public internal(set) var targetForm: TargetForm = .origin
    /// The whole request target as received.
    public internal(set) var targetRange: ByteRange = .empty
    /// The path part of the target, `?` and query excluded. Empty for asterisk- and
    /// authority-form targets, and for an absolute-form target without a path (meaning `/`).
    public internal(set) var pathRange: ByteRange = .empty
    /// The query without its `?`, if the target had one.
    public internal(set) var queryRange: ByteRange? = nil
    /// The authority of an absolute- or authority-form target.
    public internal(set) var authorityRange: ByteRange? = nil
    /// The version as received (a higher 1.x minor is kept here but answered as 1.1).
    public internal(set) var version: HTTPVersion = .http1_1
    /// Every header field line, in order.
    public internal(set) var headers: [HeaderField] = []
    /// The value of the Host header.
    public internal(set) var hostRange: ByteRange? = nil
    /// The body length from Content-Length, if present (and no Transfer-Encoding).
    public internal(set) var contentLength: Int? = nil
    /// True when the body is chunked.
    public internal(set) var isChunked: Bool = false
    /// Whether the connection may be kept open after this exchange, from the version and
    /// the Connection header (`close` on 1.1, `keep-alive` on 1.0).
    public internal(set) var keepAlive: Bool = true
    /// True for `Expect: 100-continue`.
    public internal(set) var expectsContinue: Bool = false
    /// The value of the Upgrade header, if any.
    public internal(set) var upgradeRange: ByteRange? = nil
    /// True when the Connection header lists `upgrade`.
    public internal(set) var connectionUpgrade: Bool = false
    /// Bytes of the head, request line through the blank line.
    public internal(set) var length: Int = 0

    /// Header fields a head has room for before its array grows: a browser sends 10 to 15.
    public static let typicalHeaderCount = 16

    /// An empty head with room for ``typicalHeaderCount`` header fields.
    public init() {
        self.init(headerCapacity: Self.typicalHeaderCount)
    }

    /// An empty head with room for `headerCapacity` fields (0: no allocation, for a head
    /// kept aside only sometimes).
    public init(headerCapacity: Int) {
        if headerCapacity > 0 { headers.reserveCapacity(headerCapacity) }
    }

    /// True when a body follows the head.
    @inlinable public var hasBody: Bool { isChunked || (contentLength ?? 0) > 0 }

    /// Copies the bytes of `range` out of `bytes` (the head's bytes) into a `String`.
    /// Invalid UTF-8 (obs-text in a field value) is repaired with U+FFFD.
    @inlinable
    public func string(_ range: ByteRange, in bytes: UnsafeRawBufferPointer) -> String {
        precondition(Int(range.upperBound) <= bytes.count, "RequestHead: bytes are not this head's")
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range.range]), as: UTF8.self)
    }

    /// The index of the first header whose name equals `name`, ignoring ASCII case.
    public func firstHeaderIndex(named name: String, in bytes: UnsafeRawBufferPointer) -> Int? {
        var name = name
        return name.withUTF8 { wanted in
            for index in headers.indices where fieldName(headers[index], equals: wanted, in: bytes) { return index }
            return nil
        }
    }

    /// Calls `body` with the index of every header named `name` (compared without regard to
    /// case; no `String` is made), in order.
    public func forEachHeaderIndex(named name: String, in bytes: UnsafeRawBufferPointer, _ body: (Int) -> Void) {
        var name = name
        name.withUTF8 { wanted in
            for index in headers.indices where fieldName(headers[index], equals: wanted, in: bytes) { body(index) }
        }
    }

    /// Whether `field`'s name is `wanted`, ASCII case-insensitively.
    @inline(__always)
    private func fieldName(_ field: HeaderField, equals wanted: UnsafeBufferPointer<UInt8>, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard field.name.count == wanted.count else { return false }
        let start = Int(field.name.lowerBound)
        for i in 0..<wanted.count where CharacterClass.lower(bytes[start + i]) != CharacterClass.lower(wanted[i]) { return false }
        return true
    }
}
