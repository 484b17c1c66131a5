/// The request line: method, target (its four forms) and version (RFC 9112 §3).
extension RequestParser {
    /// Parses `method SP request-target SP HTTP-version` in `start..<end` (CRLF excluded).
    mutating func parseRequestLine(_ p: UnsafeRawPointer, _ start: Int, _ end: Int) -> HTTPParseError.Kind? {
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
    func hasPrefix(_ p: UnsafeRawPointer, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        guard end &- start >= literal.utf8CodeUnitCount else { return false }
        return equalsLowercase(p, start, literal)
    }
}
