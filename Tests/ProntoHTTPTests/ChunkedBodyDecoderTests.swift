import ProntoHTTP
import Testing

// RFC 9112 §7.1: chunked-body = *chunk last-chunk trailer-section CRLF

@Suite("Chunked body decoder (RFC 9112 §7.1)")
struct ChunkedBodyDecoderTests {
    func body(_ text: String, limits: HTTPLimits = .default) -> (body: String, consumed: Int, error: HTTPParseError.Kind?, finished: Bool) {
        let result = decodeChunked(Array(text.utf8), limits: limits)
        return (String(decoding: result.body, as: UTF8.self), result.consumed, result.error, result.finished)
    }

    func expectError(_ text: String, _ kind: HTTPParseError.Kind, status: Int, limits: HTTPLimits = .default,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let result = body(text, limits: limits)
        #expect(result.error == kind, "\(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(!result.finished, sourceLocation: sourceLocation)
        #expect(HTTPParseError(kind).status == status, sourceLocation: sourceLocation)
    }

    @Test("chunks are decoded and the end is found exactly")
    func basic() {
        let text = "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
        let result = body(text + "GET /next")
        #expect(result.body == "hello, world")
        #expect(result.finished)
        #expect(result.consumed == text.utf8.count)  // not a byte of the next request
        #expect(body("0\r\n\r\n").body == "")
        #expect(body("0\r\n\r\n").finished)
    }

    @Test("hex sizes in either case, leading zeros allowed (RFC 9112 §7.1: chunk-size = 1*HEXDIG)")
    func hexSizes() {
        let data = String(repeating: "x", count: 26)
        #expect(body("1a\r\n\(data)\r\n0\r\n\r\n").body == data)
        #expect(body("1A\r\n\(data)\r\n0\r\n\r\n").body == data)
        #expect(body("001A\r\n\(data)\r\n000\r\n\r\n").body == data)
        // Leading zeros do not count towards the overflow check.
        #expect(body("00000000000000000000001\r\nz\r\n0\r\n\r\n").body == "z")
    }

    @Test("chunk extensions are skipped (RFC 9112 §7.1.1)")
    func extensions() {
        let result = body("5;name=value\r\nhello\r\n6 ; a ; b=\"q;x\"\r\n world\r\n0;last\r\n\r\n")
        #expect(result.body == "hello world")
        #expect(result.finished)
    }

    @Test("trailers are validated and dropped (RFC 9112 §7.1.2)")
    func trailers() {
        let text = "3\r\nabc\r\n0\r\nX-Checksum: 123\r\nX-Other:\tv v\r\n\r\n"
        let result = body(text)
        #expect(result.body == "abc")
        #expect(result.finished)
        #expect(result.consumed == text.utf8.count)
    }

    @Test("split at every byte, the same body and end")
    func splitAtEveryByte() {
        let text = "5;e=1\r\nhello\r\n1\r\n \r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n"
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            let result = decodeChunked(bytes, cuts: [cut])
            #expect(String(decoding: result.body, as: UTF8.self) == "hello 0123456789abcdef", "cut \(cut)")
            #expect(result.finished && result.consumed == bytes.count, "cut \(cut)")
        }
        let byteByByte = decodeChunked(bytes, cuts: Array(1..<bytes.count))
        #expect(String(decoding: byteByByte.body, as: UTF8.self) == "hello 0123456789abcdef")
        #expect(byteByByte.finished)
    }

    @Test("16 or more significant hex digits is chunkSizeOverflow (400)")
    func sizeOverflow() {
        expectError("1000000000000000\r\n", .chunkSizeOverflow, status: 400)
        expectError("FFFFFFFFFFFFFFFFFF\r\n", .chunkSizeOverflow, status: 400)
        // 15 digits do not overflow; the body limit then refuses them.
        expectError("FFFFFFFFFFFFFFF\r\n", .bodyTooLarge(limit: HTTPLimits.default.maxBodySize), status: 413)
    }

    @Test("an invalid chunk size is 400")
    func invalidSize() {
        for text in ["\r\n", "g\r\n", "-1\r\n", "+5\r\n", " 5\r\n", "5x\r\n", "0x5\r\n", "5 \r\n", "5 5\r\n", "5;\u{1}\r\n", "5\n"] {
            let result = body(text)
            #expect(result.error == .invalidChunkSize || result.error == .bareCR, "\(text.debugDescription): \(String(describing: result.error))")
            #expect(!result.finished)
        }
        expectError("5\rx", .bareCR, status: 400)
        expectError("g\r\n", .invalidChunkSize, status: 400)
        expectError("5 \r\nhello\r\n0\r\n\r\n", .invalidChunkSize, status: 400)
    }

    @Test("chunk data not followed by CRLF is 400")
    func missingCRLFAfterData() {
        expectError("5\r\nhelloX\r\n0\r\n\r\n", .invalidChunkFraming, status: 400)
        expectError("5\r\nhello\rX0\r\n\r\n", .invalidChunkFraming, status: 400)
        expectError("5\r\nhello\n0\r\n\r\n", .invalidChunkFraming, status: 400)
        expectError("3\r\nhello\r\n0\r\n\r\n", .invalidChunkFraming, status: 400)
    }

    @Test("a body over maxBodySize is 413, counted over all chunks")
    func bodyLimit() {
        let limits = HTTPLimits(maxBodySize: 10)
        #expect(body("5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n", limits: limits).body == "1234567890")
        expectError("5\r\n12345\r\n6\r\n678901\r\n0\r\n\r\n", .bodyTooLarge(limit: 10), status: 413, limits: limits)
        expectError("b\r\n", .bodyTooLarge(limit: 10), status: 413, limits: limits)
    }

    @Test("an invalid trailer is 400")
    func invalidTrailer() {
        expectError("0\r\nBad Name: v\r\n\r\n", .invalidTrailer, status: 400)
        expectError("0\r\n folded\r\n\r\n", .invalidTrailer, status: 400)
        expectError("0\r\n: v\r\n\r\n", .invalidTrailer, status: 400)
        expectError("0\r\nX: a\u{0}b\r\n\r\n", .invalidTrailer, status: 400)
        expectError("0\r\nX: a\nb\r\n\r\n", .invalidTrailer, status: 400)
        expectError("0\r\nX: a\rb\r\n\r\n", .bareCR, status: 400)
        expectError("0\r\n\rX", .bareCR, status: 400)
    }

    @Test("trailers are bounded by maxHeaderSectionSize (431)")
    func trailerLimit() {
        let limits = HTTPLimits(maxHeaderSectionSize: 32)
        #expect(body("0\r\nX: " + String(repeating: "v", count: 20) + "\r\n\r\n", limits: limits).finished)
        expectError("0\r\nX: " + String(repeating: "v", count: 40) + "\r\n\r\n", .headerSectionTooLarge(limit: 32), status: 431, limits: limits)
    }

    @Test("an error is final, and after the end nothing more is consumed")
    func finalStates() {
        var decoder = ChunkedBodyDecoder()
        let bad = Array("zz".utf8)
        let good = Array("0\r\n\r\n".utf8)
        #expect(bad.withUnsafeBytes { decoder.decode($0) } == .error(HTTPParseError(.invalidChunkSize)))
        #expect(good.withUnsafeBytes { decoder.decode($0) } == .error(HTTPParseError(.invalidChunkSize)))

        var done = ChunkedBodyDecoder()
        #expect(good.withUnsafeBytes { done.decode($0) } == .end(consumed: 5))
        #expect(done.isFinished)
        #expect(good.withUnsafeBytes { done.decode($0) } == .end(consumed: 0))
        #expect([UInt8]().withUnsafeBytes { done.decode($0) } == .end(consumed: 0))
        #expect(done.bodyLength == 0)
    }

    @Test("bodyLength counts decoded bytes")
    func bodyLength() {
        var decoder = ChunkedBodyDecoder()
        let bytes = Array("3\r\nabc\r\n2\r\nde\r\n".utf8)
        var position = 0
        while position < bytes.count {
            let step = bytes.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[position...])) }
            switch step {
            case .data(_, let consumed), .needMore(let consumed): position += consumed
            default: Issue.record("\(step)"); return
            }
        }
        #expect(decoder.bodyLength == 5)
        #expect(!decoder.isFinished)
    }
}
