import CProntoSIMD

/// Field lines: name, value, and the fields that decide framing and connection handling
/// (RFC 9112 §5, §6; RFC 9110 §7.2, §7.6.1, §7.8, §10.1.1). Hot path: the name and the Host
/// value are checked 16 bytes at a time (CProntoSIMD), framing names by words.
extension RequestParser {
    /// Parses `field-name ":" OWS field-value OWS` in `start..<end` (CRLF excluded);
    /// `readable` bytes are valid at `p` (the SIMD skips may read past `end`, never past it).
    mutating func parseFieldLine(_ p: UnsafeRawPointer, _ start: Int, _ end: Int, readable: Int) -> HTTPParseError.Kind? {
        @inline(__always) func at(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }
        let first = at(start)
        if first == .space || first == .tab { return .obsoleteLineFolding }
        // Letters, digits and '-' (nearly every name) skipped 16 at a time; the loop after it
        // checks what is left byte by byte (other tchars, the colon). The skip stops at the
        // line's CR at the latest, so `i <= end` still holds.
        var i = scanner == .simd ? Self.skip(p, from: start, readable: readable, pronto_not_name_mask16) : start
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
        case 4 where equalsLowercaseWords(p, start, "host"):
            guard head.hostRange == nil else { return .duplicateHost }
            // RFC 9112 §3.2: a Host with an invalid value MUST be refused like a missing one
            // (a space, `/`, `@` or `?` in it would make the target's authority ambiguous).
            // The common bytes skipped 16 at a time: the skip stops at the first byte that is not
            // one (trailing whitespace or the CR at the latest), so `j <= valueEnd`.
            var j = scanner == .simd ? Self.skip(p, from: valueStart, readable: readable, pronto_not_host_mask16) : valueStart
            while j < valueEnd {
                guard CharacterClass.isHost(at(j)) else { return .invalidHost }
                j &+= 1
            }
            head.hostRange = value
        case 6 where equalsLowercaseWords(p, start, "expect"):
            guard valueEnd &- valueStart == 12, equalsLowercaseWords(p, valueStart, "100-continue") else {
                return .unsupportedExpectation
            }
            head.expectsContinue = true
        case 7 where equalsLowercaseWords(p, start, "upgrade"):
            head.upgradeRange = value
        case 10 where equalsLowercaseWords(p, start, "connection"):
            forEachListElement(p, valueStart, valueEnd) { s, e in
                switch e &- s {
                case 5 where equalsLowercaseWords(p, s, "close"): connectionClose = true
                case 10 where equalsLowercaseWords(p, s, "keep-alive"): connectionKeepAlive = true
                case 7 where equalsLowercaseWords(p, s, "upgrade"): head.connectionUpgrade = true
                default: break
                }
            }
        case 14 where equalsLowercaseWords(p, start, "content-length"):
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
                if nameEnd &- s == 7, nameEnd == e, equalsLowercaseWords(p, s, "chunked") {
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

    /// The first offset from `start` whose byte is in `mask`'s class, skipping 16 bytes at a
    /// time while 16 are readable; where fewer are, `start`'s successor is left to the caller.
    @inline(__always)
    static func skip(_ p: UnsafeRawPointer, from start: Int, readable: Int, _ mask: (UnsafeRawPointer) -> UInt32) -> Int {
        var i = start
        // Bounds: each mask reads i..<i+16, only while i+16 <= readable.
        while i &+ 16 <= readable {
            let m = mask(p + i)
            if m != 0 { return i &+ m.trailingZeroBitCount }
            i &+= 16
        }
        return i
    }

    /// Calls `body` with each non-empty element of a comma-separated list, whitespace trimmed.
    @inline(__always)
    func forEachListElement(_ p: UnsafeRawPointer, _ start: Int, _ end: Int, _ body: (Int, Int) -> Void) {
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
