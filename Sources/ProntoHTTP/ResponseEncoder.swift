/// Why a response could not be encoded. The engine answers 500 instead and logs this
/// message: a header can never split a response or smuggle a second one.
public struct ResponseEncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What made the head unencodable.
    public let message: String

    public var description: String { message }

    static func invalidName(_ name: String) -> Self {
        .init(message: "response header name \(String(reflecting: name)) is not a token (RFC 9110 §5.1): use letters, digits and !#$%&'*+-.^_`|~ only")
    }

    static func invalidValue(_ name: String) -> Self {
        .init(message: "response header \(String(reflecting: name)) has a value with CR, LF or another control character, which would split the response: remove line breaks or percent-encode the value")
    }

    static func framingField(_ name: String) -> Self {
        .init(message: "response header \(String(reflecting: name)) is set by the encoder from the response's framing: a second one could give the response two lengths (response smuggling); remove it")
    }

    static func duplicateContentType(_ name: String) -> Self {
        .init(message: "response header \(String(reflecting: name)) repeats the Content-Type: a response has one media type and clients disagree on which of two wins; set it once, in Response.contentType or in the headers")
    }

    static func invalidContentLength(_ length: Int) -> Self {
        .init(message: "response Content-Length \(length) is negative: a body has 0 or more bytes")
    }

    static func invalidStatus(_ status: HTTPStatus) -> Self {
        .init(message: "response status \(status.code) \(String(reflecting: status.customReason ?? "")) is invalid: the code must be 100...999 and the reason phrase free of control characters")
    }
}

/// How the body of a response is delimited.
public enum ResponseFraming: Sendable, Hashable {
    /// `Content-Length: n`.
    case contentLength(Int)
    /// `Transfer-Encoding: chunked`; write the body with ``ChunkedEncoder``.
    case chunked
    /// No body and no length header (1xx, 204, 304).
    case none
}

/// Writes HTTP/1.1 response heads straight into memory the caller provides.
///
/// Two passes over the same description: `headSize(_:)` validates and counts, then
/// ``encodeHead(_:date:into:)`` writes exactly that many bytes. No intermediate buffer,
/// no `String` built. The engine's hot path takes one pass instead: it validates, reserves
/// `headSizeLimit` bytes (an upper bound, cheap to compute) and writes the head and a
/// string body with `encodeResponse`; the exact count serves heads that must be measured
/// before their body (a body of unknown length).
public enum ResponseEncoder {
    /// Everything that goes into a response head.
    public struct Head {
        /// The status line's status.
        public var status: HTTPStatus
        /// The `Content-Type`, when there is a body.
        public var contentType: String?
        /// The other fields, in order.
        public var headers: HTTPFields
        /// How the body is delimited.
        public var framing: ResponseFraming
        /// Send `Connection: close` (the server closes after this response).
        public var close: Bool
        /// Send `Connection: keep-alive` (to an HTTP/1.0 client that asked for it).
        public var keepAlive: Bool

        /// A head; each parameter sets the property of the same name.
        public init(
            status: HTTPStatus, contentType: String? = nil, headers: HTTPFields = HTTPFields(),
            framing: ResponseFraming, close: Bool = false, keepAlive: Bool = false
        ) {
            self.status = status
            self.contentType = contentType
            self.headers = headers
            self.framing = framing
            self.close = close
            self.keepAlive = keepAlive
        }
    }

    /// The exact number of bytes ``encodeHead(_:date:into:)`` writes, after checking every
    /// header name and value and the status.
    public static func headSize(_ head: Head, date: DateCache) throws(ResponseEncodingError) -> Int {
        try headSize(
            status: head.status, contentType: head.contentType, headers: head.headers, framing: head.framing,
            close: head.close, keepAlive: head.keepAlive, date: date
        )
    }

    /// Writes the head into `out`, which must hold at least ``headSize(_:date:)`` bytes
    /// (the head must have passed it). Returns the bytes written.
    public static func encodeHead(_ head: Head, date: DateCache, into out: UnsafeMutableRawBufferPointer) -> Int {
        encodeHead(
            status: head.status, contentType: head.contentType, headers: head.headers, framing: head.framing,
            close: head.close, keepAlive: head.keepAlive, date: date, into: out
        )
    }

    /// ``headSize(_:date:)`` with the head's parts as parameters: the engine's hot path,
    /// which borrows them from its response instead of copying them into a ``Head``.
    public static func headSize(
        status: HTTPStatus, contentType: String?, headers: HTTPFields, framing: ResponseFraming,
        close: Bool, keepAlive: Bool, date: DateCache
    ) throws(ResponseEncodingError) -> Int {
        try validate(status: status, contentType: contentType, headers: headers, framing: framing)
        var counter = ByteCounter()
        emit(status, contentType, headers, framing, close, keepAlive, date, into: &counter)
        return counter.count
    }

    /// ``encodeHead(_:date:into:)`` with the head's parts as parameters.
    public static func encodeHead(
        status: HTTPStatus, contentType: String?, headers: HTTPFields, framing: ResponseFraming,
        close: Bool, keepAlive: Bool, date: DateCache, into out: UnsafeMutableRawBufferPointer
    ) -> Int {
        encodeResponse(
            status: status, contentType: contentType, headers: headers, framing: framing,
            close: close, keepAlive: keepAlive, date: date, body: nil, into: out
        )
    }

    /// At least the bytes ``encodeHead(status:contentType:headers:framing:close:keepAlive:date:into:)``
    /// writes for these parts, plus `bodyBytes`: exact but for the Content-Length digits and
    /// the Connection line, counted at their most. Cheaper than ``headSize(_:date:)`` (no
    /// validation, no pass over the lines), so a caller that reserves this much and calls
    /// ``encodeResponse(status:contentType:headers:framing:close:keepAlive:date:body:into:)``
    /// writes a response in one pass: the counting pass cost about 2 % of a pipelined
    /// request, profiled with perf.
    package static func headSizeLimit(status: HTTPStatus, contentType: String?, headers: HTTPFields, date: DateCache, bodyBytes: Int = 0) -> Int {
        // "HTTP/1.1 " + 3 digits + " " + reason + CRLF; the date line; the longest framing
        // line ("Content-Length: " + 19 digits + CRLF); "Connection: keep-alive\r\n"; CRLF.
        var limit = 15 + date.lineBytes.count + 37 + 24 + 2 + bodyBytes
        limit &+= status.customReason?.utf8.count ?? HTTPStatus.registeredReason(status.code).utf8CodeUnitCount
        if let contentType { limit &+= 16 &+ contentType.utf8.count }
        if !headers.isEmpty {
            for field in headers.fields { limit &+= field.name.utf8.count &+ field.value.utf8.count &+ 4 }
        }
        return limit
    }

    /// Writes a validated head (see ``validate(_:)``) and then `body`'s UTF-8 into `out`,
    /// which holds at least ``headSizeLimit(status:contentType:headers:date:bodyBytes:)``
    /// bytes with the body's count. Returns the bytes written. One pass and one reservation
    /// for a response whose body is a string, the engine's commonest.
    package static func encodeResponse(
        status: HTTPStatus, contentType: String?, headers: HTTPFields, framing: ResponseFraming,
        close: Bool, keepAlive: Bool, date: DateCache, body: String?, into out: UnsafeMutableRawBufferPointer
    ) -> Int {
        var writer = RawWriter(out)
        emit(status, contentType, headers, framing, close, keepAlive, date, into: &writer)
        if let body { writer.write(body) }
        return writer.offset
    }

    /// Throws unless every name is a token, no value or reason phrase holds a control
    /// character other than HTAB, and no user field is Content-Length or Transfer-Encoding
    /// (those come from ``Head/framing``).
    public static func validate(_ head: Head) throws(ResponseEncodingError) {
        try validate(status: head.status, contentType: head.contentType, headers: head.headers, framing: head.framing)
    }

    /// ``validate(_:)`` with the head's parts as parameters (the engine borrows them).
    package static func validate(
        status: HTTPStatus, contentType: String?, headers: HTTPFields, framing: ResponseFraming
    ) throws(ResponseEncodingError) {
        guard (100...999).contains(status.code) else { throw .invalidStatus(status) }
        if let reason = status.customReason, !isValidValue(reason) { throw .invalidStatus(status) }
        if let contentType, !isValidValue(contentType) { throw .invalidValue("Content-Type") }
        // Checked here so that the sizing pass never meets a negative length (it would trap).
        if case .contentLength(let length) = framing, length < 0 { throw .invalidContentLength(length) }
        guard !headers.isEmpty else { return }
        var hasContentType = contentType != nil
        for field in headers.fields {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(CharacterClass.isToken) else { throw .invalidName(field.name) }
            guard isValidValue(field.value) else { throw .invalidValue(field.name) }
            // Content-Length and Transfer-Encoding come from `framing` only.
            if HTTPFields.namesEqual(field.name, "content-length") || HTTPFields.namesEqual(field.name, "transfer-encoding") {
                throw .framingField(field.name)
            }
            if HTTPFields.namesEqual(field.name, "content-type") {
                if hasContentType { throw .duplicateContentType(field.name) }
                hasContentType = true
            }
        }
    }

    static func isValidValue(_ value: String) -> Bool {
        // Runs for every Content-Type and header of every response: scan with SIMD, on the
        // UTF-8 borrowed in place (no copy of the String).
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let base = bytes.baseAddress else { return true }
            return ByteScanner.simd.firstControl(UnsafeRawPointer(base), from: 0, to: bytes.count) == bytes.count
        }
        if let valid = value.utf8.withContiguousStorageIfAvailable(scan) { return valid }
        var copy = value
        return copy.withUTF8(scan)
    }

    @inline(__always)
    static func emit<W: ByteWriter>(
        _ status: HTTPStatus, _ contentType: String?, _ headers: HTTPFields, _ framing: ResponseFraming,
        _ close: Bool, _ keepAlive: Bool, _ date: DateCache, into w: inout W
    ) {
        if status.customReason == nil, let line = HTTPStatus.staticStatusLine(status.code) {
            w.write(line)
        } else {
            w.write("HTTP/1.1 ")
            w.writeDecimal(status.code)
            w.write(" ")
            if let reason = status.customReason { w.write(reason) } else { w.write(HTTPStatus.registeredReason(status.code)) }
            w.write("\r\n")
        }
        w.write(date.lineBytes)
        if let contentType {
            w.write("Content-Type: ")
            w.write(contentType)
            w.write("\r\n")
        }
        switch framing {
        case .contentLength(let length):
            w.write("Content-Length: ")
            w.writeDecimal(length)
            w.write("\r\n")
        case .chunked:
            w.write("Transfer-Encoding: chunked\r\n")
        case .none:
            break
        }
        if close {
            w.write("Connection: close\r\n")
        } else if keepAlive {
            w.write("Connection: keep-alive\r\n")
        }
        if !headers.isEmpty {
            for field in headers.fields {
                w.write(field.name)
                w.write(": ")
                w.write(field.value)
                w.write("\r\n")
            }
        }
        w.write("\r\n")
    }
}

/// Frames a chunked body (RFC 9112 §7.1): `size-in-hex CRLF data CRLF`, ended by `0 CRLF CRLF`.
public enum ChunkedEncoder {
    /// The last chunk with no trailers.
    public static let end: StaticString = "0\r\n\r\n"
    /// What follows every chunk's data.
    public static let chunkEnd: StaticString = "\r\n"

    /// Bytes of the header of a chunk of `size` bytes: hex digits and CRLF.
    public static func chunkHeaderSize(_ size: Int) -> Int {
        precondition(size > 0, "ChunkedEncoder: a chunk has at least one byte (0 ends the body)")
        return (Int.bitWidth - size.leadingZeroBitCount + 3) / 4 + 2
    }

    /// Writes the header of a chunk of `size` bytes; `out` holds ``chunkHeaderSize(_:)`` bytes.
    public static func encodeChunkHeader(_ size: Int, into out: UnsafeMutableRawBufferPointer) -> Int {
        let digits = chunkHeaderSize(size) - 2
        let hex: StaticString = "0123456789abcdef"
        hex.withUTF8Buffer { hex in
            for i in 0..<digits {
                out[i] = hex[(size >> ((digits - 1 - i) * 4)) & 0xF]
            }
        }
        out[digits] = .cr
        out[digits + 1] = .lf
        return digits + 2
    }
}

/// What the encoder writes to: a counter for the sizing pass, memory for the writing pass.
protocol ByteWriter {
    mutating func write(_ bytes: UnsafeRawBufferPointer)
}

extension ByteWriter {
    @inline(__always)
    mutating func write(_ string: StaticString) {
        write(UnsafeRawBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func write(_ string: String) {
        // Borrow the UTF-8 in place: copying the String to call `withUTF8` would cost a
        // retain and a release on every header of every response.
        if string.utf8.withContiguousStorageIfAvailable({ write(UnsafeRawBufferPointer($0)) }) == nil {
            var copy = string
            copy.withUTF8 { write(UnsafeRawBufferPointer($0)) }
        }
    }

    mutating func writeDecimal(_ value: Int) {
        precondition(value >= 0, "negative length")
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for Int.max
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = value
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
            } while v > 0
            write(UnsafeRawBufferPointer(rebasing: buffer[i...]))
        }
    }
}

extension ResponseEncoder {
    /// The bytes `value` (>= 0) takes in decimal, as the head writes a Content-Length: a head
    /// of length `n` is the head of length 0 plus `decimalLength(n) - 1` bytes (what the engine
    /// uses to leave room for a head before a body of unknown length).
    @inlinable
    package static func decimalLength(_ value: Int) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits &+= 1
        }
        return digits
    }
}

struct ByteCounter: ByteWriter {
    var count = 0
    @inline(__always)
    mutating func write(_ bytes: UnsafeRawBufferPointer) { count &+= bytes.count }
}

struct RawWriter: ByteWriter {
    let out: UnsafeMutableRawBufferPointer
    var offset = 0

    init(_ out: UnsafeMutableRawBufferPointer) { self.out = out }

    @inline(__always)
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        // Bounds: headSize counted exactly these writes, and the caller reserved that many.
        precondition(offset &+ bytes.count <= out.count, "ResponseEncoder: output smaller than headSize")
        if let base = bytes.baseAddress, bytes.count > 0 {
            (out.baseAddress! + offset).copyMemory(from: base, byteCount: bytes.count)
        }
        offset &+= bytes.count
    }
}
