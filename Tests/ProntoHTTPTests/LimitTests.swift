import ProntoHTTP
import Testing

// HTTPLimits are enforced while bytes arrive: a client can never make the parser wait on
// more bytes than the limits allow.

@Suite("Limits")
struct LimitTests {
    /// A request line of exactly `length` bytes (CRLF excluded).
    func requestLine(length: Int) -> String {
        "GET /" + String(repeating: "a", count: length - 14) + " HTTP/1.1"
    }

    @Test("a request line at the limit is accepted, one byte over is 414")
    func requestLineLimit() {
        let limit = HTTPLimits.default.maxRequestLineLength
        #expect(requestLine(length: limit).utf8.count == limit)
        #expect(parse(request(requestLine(length: limit), "Host: a")).head != nil)
        expectError(request(requestLine(length: limit + 1), "Host: a"), .requestLineTooLong(limit: limit), status: 414)
    }

    @Test("a request line is refused once it passes the limit, before it ends")
    func requestLineLimitBeforeEnd() {
        let limit = HTTPLimits.default.maxRequestLineLength
        let bytes = Array(("GET /" + String(repeating: "b", count: 8995)).utf8)  // 9000 bytes, no CRLF
        #expect(bytes.count == 9000)
        #expect(parseBytes(bytes) == .error(.requestLineTooLong(limit: limit)))
        #expect(parseBytes(bytes, scanner: .scalar) == .error(.requestLineTooLong(limit: limit)))
        // Fed a byte at a time, it fails exactly when byte limit+1 arrives.
        var parser = RequestParser()
        var failedAt: Int? = nil
        bytes.withUnsafeBytes { raw in
            for end in 1...raw.count {
                if case .error(let error) = parser.parse(UnsafeRawBufferPointer(rebasing: raw[..<end])) {
                    #expect(error.kind == .requestLineTooLong(limit: limit))
                    #expect(error.status == 414)
                    failedAt = end
                    break
                }
            }
        }
        #expect(failedAt == limit + 1)
    }

    @Test("leading empty lines count against the request-line limit")
    func leadingEmptyLinesLimited() {
        let limits = HTTPLimits(maxRequestLineLength: 32)
        let text = String(repeating: "\r\n", count: 40)
        #expect(parse(text, limits: limits) == .error(.requestLineTooLong(limit: 32)))
    }

    @Test("a header section over the limit is 431, also before it ends")
    func headerSectionLimit() {
        let limits = HTTPLimits(maxHeaderSectionSize: 100)
        // Section = "Host: a\r\n" (9) + "X: " + value + "\r\n" (5 + n) + "\r\n" (2) = 16 + n.
        let atLimit = request("GET / HTTP/1.1", "Host: a", "X: " + String(repeating: "v", count: 84))
        #expect(parse(atLimit, limits: limits).head != nil)
        let over = request("GET / HTTP/1.1", "Host: a", "X: " + String(repeating: "v", count: 85))
        expectError(over, .headerSectionTooLarge(limit: 100), status: 431, limits: limits)
        // A field line that never ends.
        let endless = "GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 500)
        #expect(parse(endless, limits: limits) == .error(.headerSectionTooLarge(limit: 100)))
        // Many short lines that never reach the blank line.
        let many = "GET / HTTP/1.1\r\n" + String(repeating: "A: b\r\n", count: 30)
        #expect(parse(many, limits: limits) == .error(.headerSectionTooLarge(limit: 100)))
        // The default limit.
        let big = request("GET / HTTP/1.1", "Host: a", "X: " + String(repeating: "v", count: 16 * 1024))
        expectError(big, .headerSectionTooLarge(limit: 16 * 1024), status: 431)
    }

    @Test("more than maxHeaderCount field lines is 431")
    func headerCountLimit() {
        let fields = (1...99).map { "X-\($0): \($0)" }
        let atLimit = (["GET / HTTP/1.1", "Host: a"] + fields).map { $0 + "\r\n" }.joined() + "\r\n"
        #expect(parse(atLimit).head?.headers.count == 100)
        let over = (["GET / HTTP/1.1", "Host: a", "X-0: 0"] + fields).map { $0 + "\r\n" }.joined() + "\r\n"
        expectError(over, .tooManyHeaders(limit: 100), status: 431)
        let custom = HTTPLimits(maxHeaderCount: 2)
        expectError(request("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2"), .tooManyHeaders(limit: 2), status: 431, limits: custom)
        #expect(parse(request("GET / HTTP/1.1", "Host: a", "A: 1"), limits: custom).head != nil)
    }

    @Test("Content-Length over maxBodySize is 413")
    func bodySizeLimit() {
        let limit = HTTPLimits.default.maxBodySize
        #expect(parse(request("POST / HTTP/1.1", "Host: a", "Content-Length: \(limit)")).head?.contentLength == limit)
        expectError(request("POST / HTTP/1.1", "Host: a", "Content-Length: \(limit + 1)"), .bodyTooLarge(limit: limit), status: 413)
        let custom = HTTPLimits(maxBodySize: 10)
        expectError(request("POST / HTTP/1.1", "Host: a", "Content-Length: 11"), .bodyTooLarge(limit: 10), status: 413, limits: custom)
        #expect(parse(request("POST / HTTP/1.1", "Host: a", "Content-Length: 10"), limits: custom).head?.contentLength == 10)
    }

    @Test("the reason names the limit value")
    func reasonNamesLimit() {
        let cases: [(HTTPParseError.Kind, String, Int)] = [
            (.requestLineTooLong(limit: 8192), "8192", 414),
            (.headerSectionTooLarge(limit: 12345), "12345", 431),
            (.tooManyHeaders(limit: 77), "77", 431),
            (.bodyTooLarge(limit: 1048576), "1048576", 413),
        ]
        for (kind, number, status) in cases {
            let error = HTTPParseError(kind)
            #expect(error.reason.contains(number), "\(error.reason)")
            #expect(error.status == status)
            #expect(error.description == "\(status) \(error.reason)")
        }
    }

    @Test("custom request-line limit is honoured")
    func customRequestLineLimit() {
        let limits = HTTPLimits(maxRequestLineLength: 40)
        #expect(parse(request(requestLine(length: 40), "Host: a"), limits: limits).head != nil)
        expectError(request(requestLine(length: 41), "Host: a"), .requestLineTooLong(limit: 40), status: 414, limits: limits)
    }

    @Test("the parser never waits on more bytes than the limits allow, whatever the input")
    func neverHoldsMoreThanLimits() {
        var rng = SeededRNG(seed: 0xB0B)
        for round in 0..<300 {
            let limits = HTTPLimits(
                maxRequestLineLength: Int.random(in: 16...300, using: &rng),
                maxHeaderSectionSize: Int.random(in: 8...600, using: &rng),
                maxHeaderCount: Int.random(in: 1...20, using: &rng),
                maxBodySize: 1000)
            let bound = limits.maxRequestLineLength + 2 + limits.maxHeaderSectionSize
            // Heads of random shape and size, most far larger than the limits; some end, some never do.
            var text = String(repeating: "\r\n", count: Int.random(in: 0...2, using: &rng))
            text += "GET /" + String(repeating: "p", count: Int.random(in: 0...400, using: &rng)) + " HTTP/1.1\r\nHost: h\r\n"
            for i in 0..<Int.random(in: 0...40, using: &rng) {
                text += "H\(i): " + String(repeating: "v", count: Int.random(in: 0...120, using: &rng)) + "\r\n"
            }
            if Bool.random(using: &rng) { text += "\r\n" }
            let bytes = Array(text.utf8)
            for scanner in [ByteScanner.simd, .scalar] {
                var parser = RequestParser(limits: limits, scanner: scanner)
                var end = 0
                feeding: while end < bytes.count {
                    end = min(bytes.count, end + Int.random(in: 1...200, using: &rng))
                    let outcome = bytes.withUnsafeBytes { Outcome(parser.parse(UnsafeRawBufferPointer(rebasing: $0[..<end])), $0) }
                    switch outcome {
                    case .needMore:
                        #expect(end <= bound, "round \(round): waiting on \(end) bytes, bound \(bound)")
                    case .complete(let head):
                        #expect(head.length <= bound, "round \(round)")
                        break feeding
                    case .error(let kind):
                        let allowed: Bool
                        switch kind {
                        case .requestLineTooLong, .headerSectionTooLarge, .tooManyHeaders: allowed = true
                        default: allowed = false
                        }
                        #expect(allowed, "round \(round): \(kind)")
                        break feeding
                    }
                }
            }
        }
    }

    @Test("limits out of range are named by firstInvalid; the parser refuses requests with them and never traps")
    func limitsOutOfRange() {
        #expect(HTTPLimits.default.firstInvalid == nil)
        let cases: [(HTTPLimits, String)] = [
            (HTTPLimits(maxRequestLineLength: 0), "maxRequestLineLength"),
            (HTTPLimits(maxRequestLineLength: -5), "maxRequestLineLength"),
            (HTTPLimits(maxHeaderSectionSize: 0), "maxHeaderSectionSize"),
            (HTTPLimits(maxHeaderCount: 0), "maxHeaderCount"),
            (HTTPLimits(maxBodySize: -1), "maxBodySize"),
            (HTTPLimits(maxRequestLineLength: Int.max, maxHeaderSectionSize: Int.max), "maxRequestLineLength + maxHeaderSectionSize"),
        ]
        let text = request("POST / HTTP/1.1", "Host: a", "Content-Length: 0")
        for (limits, name) in cases {
            #expect(limits.firstInvalid?.name == name)
            guard name != "maxRequestLineLength + maxHeaderSectionSize" else { continue }
            for scanner in [ByteScanner.simd, .scalar] {
                if case .error = parse(text, limits: limits, scanner: scanner) { continue }
                Issue.record("\(name) = \(limits): a request was accepted")
            }
        }
    }
}
