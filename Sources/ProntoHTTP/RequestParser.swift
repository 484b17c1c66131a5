/// An incremental HTTP/1.1 request-head parser that works where the bytes lie.
///
/// Feed it the bytes of the connection starting at the first byte of the request:
/// it returns ``Result/needMore`` until the blank line that ends the head has arrived,
/// then ``Result/complete(_:)`` with a ``RequestHead`` of offsets into those bytes.
/// Between calls it keeps how far it got (the start of the unfinished line and how much
/// of it was scanned), so a head that arrives a byte at a time is still scanned once.
/// The caller must pass the same bytes again, extended, until the head is complete;
/// then it consumes ``RequestHead/length`` bytes and calls again for the next request.
///
/// Every rule of RFC 9112 that concerns the head is checked here, and the limits of
/// ``HTTPLimits`` are enforced as bytes arrive. An error is final for the connection.
///
/// Hot path: this type is written for speed on purpose (raw pointer loads, tables,
/// SIMD line scanning, name and Host checks through CProntoSIMD) and is fuzzed and compared with NIO's decoder in the tests.
public struct RequestParser: Sendable {
    /// What a call to ``parse(_:)`` produced.
    public enum Result: Sendable {
        case complete(RequestHead)
        case needMore
        case error(HTTPParseError)
    }

    /// The limits the head is parsed under.
    public var limits: HTTPLimits
    /// How lines are scanned: SIMD, or the scalar twin.
    public let scanner: ByteScanner

    enum Phase: Sendable {
        case requestLine
        case headers
        case failed(HTTPParseError)
    }

    var phase: Phase = .requestLine
    /// Offset of the first byte of the line being parsed.
    var lineStart = 0
    /// Offset up to which the current line has been scanned without finding its end.
    var scanned = 0
    /// Offset of the first field line, where the header-section limit counts from.
    var headerSectionStart = 0
    /// The head being built. Its header array is reused across requests; it is allocated
    /// by the first request line (see `releaseStorage`), so a parser costs nothing until used.
    var head = RequestHead(headerCapacity: 0)
    /// Set when a head was returned: it is reset lazily, at the start of the next call,
    /// so that the caller has dropped its copy and the header array is reused in place.
    var needsReset = false

    var connectionClose = false
    var connectionKeepAlive = false
    var transferEncodingSeen = false
    var transferEncodingLastIsChunked = false
    var transferEncodingChunkedNotLast = false
    var transferEncodingOtherCoding = false

    /// A parser for heads within `limits`, scanning lines with `scanner`.
    public init(limits: HTTPLimits = .default, scanner: ByteScanner = .simd) {
        self.limits = limits
        self.scanner = scanner
    }

    /// Forgets any partial head, ready for a new request at offset 0 of new bytes.
    public mutating func reset() {
        phase = .requestLine
        lineStart = 0
        scanned = 0
        headerSectionStart = 0
        head.clear()
        needsReset = false
        connectionClose = false
        connectionKeepAlive = false
        transferEncodingSeen = false
        transferEncodingLastIsChunked = false
        transferEncodingChunkedNotLast = false
        transferEncodingOtherCoding = false
    }

    /// Forgets any partial head and gives back the header array: for a connection left
    /// idle, whose next request (if any) allocates it again.
    public mutating func releaseStorage() {
        reset()
        head = RequestHead(headerCapacity: 0)
    }

    /// Header fields the parser has room for without allocating: 0 until its first request
    /// line and after ``releaseStorage()``.
    public var reservedHeaderCount: Int { head.headers.capacity }

    /// True while a head has started but is not complete (for the slow-client deadline).
    public var isInsideHead: Bool {
        if needsReset { return false }
        switch phase {
        case .requestLine: return scanned > 0
        case .headers: return true
        case .failed: return false
        }
    }

    /// Parses as much of the head as `bytes` holds. `bytes` starts at the request's first byte.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> Result {
        if needsReset { reset() }
        if case .failed(let error) = phase { return .error(error) }
        guard let base = bytes.baseAddress else { return .needMore }
        let count = bytes.count
        precondition(count >= scanned, "RequestParser: the bytes of a partial head must be passed again, extended")

        while true {
            // The offset the current line's CR may occupy at most, from the limits.
            let lastAllowedCR: Int
            switch phase {
            case .requestLine:
                // Leading empty lines count against the request-line limit, so they cannot
                // grow a head without bound either.
                lastAllowedCR = limits.maxRequestLineLength
            case .headers:
                lastAllowedCR = headerSectionStart &+ limits.maxHeaderSectionSize &- 2
            case .failed(let error):
                return .error(error)
            }
            let searchEnd = min(count, lastAllowedCR &+ 1)
            let hit = scanner.firstControl(base, from: scanned, to: searchEnd)
            if hit == searchEnd {
                if searchEnd == lastAllowedCR &+ 1 { return fail(limitError()) }
                scanned = searchEnd
                return .needMore
            }
            // Bounds: hit < searchEnd <= count.
            let byte = base.load(fromByteOffset: hit, as: UInt8.self)
            guard byte == .cr else { return fail(byte == .lf ? .bareLF : .controlCharacter) }
            guard hit &+ 1 < count else {
                scanned = hit
                return .needMore
            }
            guard base.load(fromByteOffset: hit &+ 1, as: UInt8.self) == .lf else { return fail(.bareCR) }
            let lineEnd = hit
            let next = hit &+ 2

            switch phase {
            case .requestLine:
                if lineEnd != lineStart {  // RFC 9112 §2.2: empty lines before the request line are ignored
                    if let error = parseRequestLine(base, lineStart, lineEnd) { return fail(error) }
                    // Once per request; true only for a parser's first request (or its first
                    // after `releaseStorage`): room for a typical head in one allocation.
                    if head.headers.capacity == 0 { head.headers.reserveCapacity(RequestHead.typicalHeaderCount) }
                    phase = .headers
                    headerSectionStart = next
                }
            case .headers:
                if lineEnd == lineStart {
                    head.length = next
                    if let error = finishHead() { return fail(error) }
                    needsReset = true
                    return .complete(head)
                }
                if let error = parseFieldLine(base, lineStart, lineEnd, readable: count) { return fail(error) }
            case .failed(let error):
                return .error(error)
            }
            lineStart = next
            scanned = next
        }
    }

    private func limitError() -> HTTPParseError.Kind {
        switch phase {
        case .requestLine: .requestLineTooLong(limit: limits.maxRequestLineLength)
        default: .headerSectionTooLarge(limit: limits.maxHeaderSectionSize)
        }
    }

    private mutating func fail(_ kind: HTTPParseError.Kind) -> Result {
        let error = HTTPParseError(kind)
        phase = .failed(error)
        return .error(error)
    }

    /// Checks what can only be checked once the whole head is known, and sets framing.
    private mutating func finishHead() -> HTTPParseError.Kind? {
        let http11 = head.version.isAtLeast1_1
        if http11, head.hostRange == nil { return .missingHost }
        if transferEncodingSeen {
            if !http11 { return .transferEncodingOnHTTP1_0 }
            if head.contentLength != nil { return .transferEncodingWithContentLength }
            if !transferEncodingLastIsChunked || transferEncodingChunkedNotLast { return .transferEncodingNotChunkedLast }
            if transferEncodingOtherCoding { return .unsupportedTransferCoding }
            head.isChunked = true
        } else if let length = head.contentLength, length > limits.maxBodySize {
            return .bodyTooLarge(limit: limits.maxBodySize)
        }
        head.keepAlive = http11 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        if !http11 {
            // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request MUST be
            // ignored (a 1.0 client would not understand the interim response), and
            // §7.8: an Upgrade header field in an HTTP/1.0 request MUST be ignored.
            head.expectsContinue = false
            head.upgradeRange = nil
            head.connectionUpgrade = false
        }
        return nil
    }
}

extension RequestHead {
    /// Resets every field in place, keeping the header array's storage: no allocation and
    /// no new struct (rebuilding the head cost more than parsing a small request).
    mutating func clear() {
        method = .get
        methodRange = .empty
        targetForm = .origin
        targetRange = .empty
        pathRange = .empty
        queryRange = nil
        authorityRange = nil
        version = .http1_1
        headers.removeAll(keepingCapacity: true)
        hostRange = nil
        contentLength = nil
        isChunked = false
        keepAlive = true
        expectsContinue = false
        upgradeRange = nil
        connectionUpgrade = false
        length = 0
    }
}
