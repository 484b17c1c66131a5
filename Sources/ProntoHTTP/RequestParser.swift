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
/// SIMD line scanning) and is fuzzed and compared with NIO's decoder in the tests.
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

    private enum Phase: Sendable {
        case requestLine
        case headers
        case failed(HTTPParseError)
    }

    private var phase: Phase = .requestLine
    /// Offset of the first byte of the line being parsed.
    private var lineStart = 0
    /// Offset up to which the current line has been scanned without finding its end.
    private var scanned = 0
    /// Offset of the first field line, where the header-section limit counts from.
    private var headerSectionStart = 0
    /// The head being built. Its header array is reused across requests; it is allocated
    /// by the first request line (see `releaseStorage`), so a parser costs nothing until used.
    private var head = RequestHead(headerCapacity: 0)
    /// Set when a head was returned: it is reset lazily, at the start of the next call,
    /// so that the caller has dropped its copy and the header array is reused in place.
    private var needsReset = false

    private var connectionClose = false
    private var connectionKeepAlive = false
    private var transferEncodingSeen = false
    private var transferEncodingLastIsChunked = false
    private var transferEncodingChunkedNotLast = false
    private var transferEncodingOtherCoding = false

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
                if let error = parseFieldLine(base, lineStart, lineEnd) { return fail(error) }
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

    // MARK: Request line

    /// Parses `method SP request-target SP HTTP-version` in `start..<end` (CRLF excluded).
    private mutating func parseRequestLine(_ p: UnsafeRawPointer, _ start: Int, _ end: Int) -> HTTPParseError.Kind? {
        @inline(__always) func at(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }
        var i = start
        while i < end, CharacterClass.isToken(at(i)) { i &+= 1 }
        guard i > start else { return .invalidMethod }
        guard i < end else { return .invalidRequestLine }
        guard at(i) == .space else { return .invalidMethod }
        head.methodRange = ByteRange(start, i)
        head.method = HTTPMethod.recognise(p, start, i &- start)

        // The version is the last 8 bytes, after a single space.
        let targetStart = i &+ 1
        guard end &- targetStart >= 10 else { return .invalidRequestLine }
        let versionStart = end &- 8
        guard at(versionStart &- 1) == .space else { return .invalidRequestLine }
        guard at(versionStart) == UInt8(ascii: "H"), at(versionStart &+ 1) == UInt8(ascii: "T"),
            at(versionStart &+ 2) == UInt8(ascii: "T"), at(versionStart &+ 3) == UInt8(ascii: "P"),
            at(versionStart &+ 4) == UInt8(ascii: "/"), at(versionStart &+ 6) == UInt8(ascii: ".")
        else { return .invalidVersion }
        let major = at(versionStart &+ 5) &- UInt8(ascii: "0")
        let minor = at(versionStart &+ 7) &- UInt8(ascii: "0")
        guard major < 10, minor < 10 else { return .invalidVersion }
        guard major == 1 else { return .unsupportedVersion }
        head.version = HTTPVersion(major: major, minor: minor)

        let targetEnd = versionStart &- 1
        head.targetRange = ByteRange(targetStart, targetEnd)
        var question = -1
        i = targetStart
        // A target never holds a space, so a request line with extra spaces fails here.
        while i < targetEnd {
            let b = at(i)
            guard CharacterClass.isTarget(b) else { return .invalidTarget }
            if b == UInt8(ascii: "?"), question < 0 { question = i }
            i &+= 1
        }
        let pathEnd = question < 0 ? targetEnd : question
        if question >= 0 { head.queryRange = ByteRange(question &+ 1, targetEnd) }

        let first = at(targetStart)
        if first == UInt8(ascii: "/") {
            guard head.method != .connect else { return .invalidTarget }
            head.targetForm = .origin
            head.pathRange = ByteRange(targetStart, pathEnd)
        } else if head.method == .connect {
            // authority-form (RFC 9112 §3.2.3): uri-host ":" port, nothing else. A CONNECT
            // client must send the port (RFC 9110 §9.3.6), so it is required here.
            var colon = targetEnd &- 1
            while colon > targetStart, at(colon) != .colon {
                guard at(colon) &- UInt8(ascii: "0") < 10 else { return .invalidTarget }
                colon &-= 1
            }
            guard colon > targetStart, colon &+ 1 < targetEnd else { return .invalidTarget }
            for j in targetStart..<colon {
                switch at(j) {
                case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "@"): return .invalidTarget
                default: break
                }
            }
            head.targetForm = .authority
            head.authorityRange = ByteRange(targetStart, targetEnd)
            head.pathRange = ByteRange(targetStart, targetStart)
        } else if first == UInt8(ascii: "*"), targetEnd == targetStart &+ 1 {
            guard head.method == .options else { return .invalidTarget }
            head.targetForm = .asterisk
            head.pathRange = ByteRange(targetStart, targetStart)
        } else {
            // absolute-form: http(s)://authority[/path][?query]
            let schemeLength: Int
            if hasPrefix(p, targetStart, pathEnd, "http://") {
                schemeLength = 7
            } else if hasPrefix(p, targetStart, pathEnd, "https://") {
                schemeLength = 8
            } else {
                return .invalidTarget
            }
            let authorityStart = targetStart &+ schemeLength
            var authorityEnd = authorityStart
            while authorityEnd < pathEnd, at(authorityEnd) != UInt8(ascii: "/") { authorityEnd &+= 1 }
            guard authorityEnd > authorityStart else { return .invalidTarget }
            head.targetForm = .absolute
            head.authorityRange = ByteRange(authorityStart, authorityEnd)
            head.pathRange = ByteRange(authorityEnd, pathEnd)
        }
        return nil
    }

    /// Case-insensitive prefix test against a lowercase literal.
    private func hasPrefix(_ p: UnsafeRawPointer, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        guard end &- start >= literal.utf8CodeUnitCount else { return false }
        return equalsLowercase(p, start, literal)
    }

    // MARK: Field lines

    /// Parses `field-name ":" OWS field-value OWS` in `start..<end` (CRLF excluded).
    private mutating func parseFieldLine(_ p: UnsafeRawPointer, _ start: Int, _ end: Int) -> HTTPParseError.Kind? {
        @inline(__always) func at(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }
        let first = at(start)
        if first == .space || first == .tab { return .obsoleteLineFolding }
        var i = start
        while i < end, CharacterClass.isToken(at(i)) { i &+= 1 }
        guard i < end else { return .invalidHeaderName }
        let stop = at(i)
        guard stop == .colon else { return stop == .space || stop == .tab ? .whitespaceBeforeColon : .invalidHeaderName }
        guard i > start else { return .invalidHeaderName }
        let nameEnd = i
        var valueStart = i &+ 1
        while valueStart < end, at(valueStart) == .space || at(valueStart) == .tab { valueStart &+= 1 }
        var valueEnd = end
        while valueEnd > valueStart, at(valueEnd &- 1) == .space || at(valueEnd &- 1) == .tab { valueEnd &-= 1 }
        guard head.headers.count < limits.maxHeaderCount else { return .tooManyHeaders(limit: limits.maxHeaderCount) }
        let value = ByteRange(valueStart, valueEnd)
        head.headers.append(HeaderField(name: ByteRange(start, nameEnd), value: value))

        // Recognise the fields that decide framing and connection handling, by length first.
        switch nameEnd &- start {
        case 4 where equalsLowercase(p, start, "host"):
            guard head.hostRange == nil else { return .duplicateHost }
            // RFC 9112 §3.2: a Host with an invalid value MUST be refused like a missing one
            // (a space, `/`, `@` or `?` in it would make the target's authority ambiguous).
            for j in valueStart..<valueEnd where !CharacterClass.isHost(at(j)) { return .invalidHost }
            head.hostRange = value
        case 6 where equalsLowercase(p, start, "expect"):
            guard valueEnd &- valueStart == 12, equalsLowercase(p, valueStart, "100-continue") else {
                return .unsupportedExpectation
            }
            head.expectsContinue = true
        case 7 where equalsLowercase(p, start, "upgrade"):
            head.upgradeRange = value
        case 10 where equalsLowercase(p, start, "connection"):
            forEachListElement(p, valueStart, valueEnd) { s, e in
                switch e &- s {
                case 5 where equalsLowercase(p, s, "close"): connectionClose = true
                case 10 where equalsLowercase(p, s, "keep-alive"): connectionKeepAlive = true
                case 7 where equalsLowercase(p, s, "upgrade"): head.connectionUpgrade = true
                default: break
                }
            }
        case 14 where equalsLowercase(p, start, "content-length"):
            guard valueEnd > valueStart else { return .invalidContentLength }
            var length = 0
            for j in valueStart..<valueEnd {
                let digit = at(j) &- UInt8(ascii: "0")
                guard digit < 10 else { return .invalidContentLength }
                // Saturate instead of overflowing: anything this large is over the body limit.
                length = length > (Int.max - 9) / 10 ? Int.max : length &* 10 &+ Int(digit)
            }
            if let previous = head.contentLength, previous != length { return .conflictingContentLength }
            head.contentLength = length
        case 17 where equalsLowercase(p, start, "transfer-encoding"):
            transferEncodingSeen = true
            forEachListElement(p, valueStart, valueEnd) { s, e in
                // A coding may carry parameters after ';': only its name matters here.
                var nameEnd = s
                while nameEnd < e, at(nameEnd) != UInt8(ascii: ";") { nameEnd &+= 1 }
                while nameEnd > s, at(nameEnd &- 1) == .space || at(nameEnd &- 1) == .tab { nameEnd &-= 1 }
                if transferEncodingLastIsChunked { transferEncodingChunkedNotLast = true }
                if nameEnd &- s == 7, nameEnd == e, equalsLowercase(p, s, "chunked") {
                    transferEncodingLastIsChunked = true
                } else {
                    transferEncodingLastIsChunked = false
                    transferEncodingOtherCoding = true
                }
            }
        default:
            break
        }
        return nil
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

    /// Calls `body` with each non-empty element of a comma-separated list, whitespace trimmed.
    @inline(__always)
    private func forEachListElement(_ p: UnsafeRawPointer, _ start: Int, _ end: Int, _ body: (Int, Int) -> Void) {
        var s = start
        while s < end {
            var e = s
            while e < end, p.load(fromByteOffset: e, as: UInt8.self) != UInt8(ascii: ",") { e &+= 1 }
            var a = s
            var b = e
            while a < b, p.load(fromByteOffset: a, as: UInt8.self) == .space || p.load(fromByteOffset: a, as: UInt8.self) == .tab { a &+= 1 }
            while b > a, p.load(fromByteOffset: b &- 1, as: UInt8.self) == .space || p.load(fromByteOffset: b &- 1, as: UInt8.self) == .tab { b &-= 1 }
            if b > a { body(a, b) }
            s = e &+ 1
        }
    }
}

/// Compares the bytes at `start` with a lowercase ASCII literal, ignoring case.
/// The caller guarantees `literal.utf8CodeUnitCount` bytes are readable at `start`.
@inline(__always)
func equalsLowercase(_ p: UnsafeRawPointer, _ start: Int, _ literal: StaticString) -> Bool {
    literal.withUTF8Buffer { lit in
        for i in 0..<lit.count where CharacterClass.lower(p.load(fromByteOffset: start &+ i, as: UInt8.self)) != lit[i] {
            return false
        }
        return true
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
