import ProntoHTTP
import Testing

// ResponseEncoder writes exactly the bytes it counted, refuses anything that could split a
// response, and HTTPDate/DateCache produce IMF-fixdate (RFC 9110 §5.6.7).

@Suite("Response encoder")
struct ResponseEncoderTests {
    /// 784111777 is Sun, 06 Nov 1994 08:49:37 GMT, the example of RFC 9110 §5.6.7.
    let date = DateCache(now: 784_111_777)
    let dateLine = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"

    /// Sizes, then writes into a buffer of exactly that size, as the engine does.
    func encode(_ head: ResponseEncoder.Head) throws(ResponseEncodingError) -> String {
        let size = try ResponseEncoder.headSize(head, date: date)
        var bytes = [UInt8](repeating: 0, count: size)
        let written = bytes.withUnsafeMutableBytes { ResponseEncoder.encodeHead(head, date: date, into: $0) }
        #expect(written == size, "headSize equals the bytes written")
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("200 text/plain with Content-Length, exact bytes")
    func plainText() throws {
        let head = ResponseEncoder.Head(status: .ok, contentType: "text/plain", framing: .contentLength(13))
        #expect(try encode(head) == "HTTP/1.1 200 OK\r\n" + dateLine + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n")
        let empty = ResponseEncoder.Head(status: .ok, framing: .contentLength(0))
        #expect(try encode(empty) == "HTTP/1.1 200 OK\r\n" + dateLine + "Content-Length: 0\r\n\r\n")
    }

    @Test("chunked framing and no framing")
    func framing() throws {
        let chunked = ResponseEncoder.Head(status: .ok, contentType: "application/json", framing: .chunked)
        #expect(try encode(chunked) == "HTTP/1.1 200 OK\r\n" + dateLine + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let none = ResponseEncoder.Head(status: .noContent, framing: .none)
        #expect(try encode(none) == "HTTP/1.1 204 No Content\r\n" + dateLine + "\r\n")
    }

    @Test("Connection: close and keep-alive")
    func connection() throws {
        let close = ResponseEncoder.Head(status: .ok, framing: .contentLength(0), close: true)
        #expect(try encode(close) == "HTTP/1.1 200 OK\r\n" + dateLine + "Content-Length: 0\r\nConnection: close\r\n\r\n")
        let keepAlive = ResponseEncoder.Head(status: .ok, framing: .contentLength(0), keepAlive: true)
        #expect(try encode(keepAlive) == "HTTP/1.1 200 OK\r\n" + dateLine + "Content-Length: 0\r\nConnection: keep-alive\r\n\r\n")
        // close wins.
        let both = ResponseEncoder.Head(status: .ok, framing: .contentLength(0), close: true, keepAlive: true)
        #expect(try encode(both) == "HTTP/1.1 200 OK\r\n" + dateLine + "Content-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test("custom status codes and reason phrases")
    func statuses() throws {
        func statusLine(_ status: HTTPStatus) throws -> Substring {
            try encode(ResponseEncoder.Head(status: status, framing: .none)).split(separator: "\r\n", maxSplits: 1)[0]
        }
        #expect(try statusLine(HTTPStatus(code: 418, reasonPhrase: "I'm a teapot")) == "HTTP/1.1 418 I'm a teapot")
        #expect(try statusLine(HTTPStatus(code: 200, reasonPhrase: "Fine")) == "HTTP/1.1 200 Fine")
        #expect(try statusLine(.expectationFailed) == "HTTP/1.1 417 Expectation Failed")
        #expect(try statusLine(.httpVersionNotSupported) == "HTTP/1.1 505 HTTP Version Not Supported")
        #expect(try statusLine(.notFound) == "HTTP/1.1 404 Not Found")
        #expect(try statusLine(HTTPStatus(code: 299)) == "HTTP/1.1 299 Unknown")
        #expect(try statusLine(HTTPStatus(code: 599, reasonPhrase: "")) == "HTTP/1.1 599 ")
        #expect(HTTPStatus(code: 418, reasonPhrase: "I'm a teapot").description == "418 I'm a teapot")
        #expect(HTTPStatus.contentTooLarge.reasonPhrase == "Content Too Large")
        #expect(!HTTPStatus.notModified.allowsBody && !HTTPStatus.continue.allowsBody && HTTPStatus.ok.allowsBody)
    }

    @Test("user headers follow the framing headers, in order")
    func userHeaders() throws {
        var fields = HTTPFields()
        fields.add(name: "X-One", value: "1")
        fields.add(name: "Set-Cookie", value: "a=b; Path=/")
        fields.add(name: "Set-Cookie", value: "c=d")
        fields.add(name: "X-Tab", value: "a\tb é")
        let head = ResponseEncoder.Head(status: .created, contentType: "text/html; charset=utf-8", headers: fields,
                                        framing: .contentLength(1234567), close: true)
        #expect(try encode(head) == "HTTP/1.1 201 Created\r\n" + dateLine
            + "Content-Type: text/html; charset=utf-8\r\nContent-Length: 1234567\r\nConnection: close\r\n"
            + "X-One: 1\r\nSet-Cookie: a=b; Path=/\r\nSet-Cookie: c=d\r\nX-Tab: a\tb é\r\n\r\n")
        #expect(fields["set-cookie"] == "a=b; Path=/")
        #expect(fields.values(for: "SET-COOKIE") == ["a=b; Path=/", "c=d"])
        fields.replaceOrAdd(name: "set-cookie", value: "z")
        #expect(fields.values(for: "Set-Cookie") == ["z"])
        fields.remove(name: "x-one")
        #expect(fields.count == 2)
        let literal: HTTPFields = ["A": "1", "B": "2"]
        #expect(literal.map(\.name) == ["A", "B"])
    }

    /// Returns the error of sizing `head`, after checking that encoding would have written nothing.
    func refusal(_ head: ResponseEncoder.Head, sourceLocation: SourceLocation = #_sourceLocation) -> ResponseEncodingError? {
        do throws(ResponseEncodingError) {
            _ = try ResponseEncoder.headSize(head, date: date)
            Issue.record("encoded an invalid head", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(throws: ResponseEncodingError.self, sourceLocation: sourceLocation) { try ResponseEncoder.validate(head) }
            return error
        }
    }

    @Test("CR or LF in a header value is refused with a clear message")
    func injectionInValue() throws {
        for value in ["a\r\nSet-Cookie: evil", "a\nb", "a\rb", "a\u{0}b", "a\u{7F}", "\r\n\r\nHTTP/1.1 200 OK"] {
            var fields = HTTPFields()
            fields.add(name: "X-Inject", value: value)
            let error = try #require(refusal(ResponseEncoder.Head(status: .ok, headers: fields, framing: .contentLength(0))))
            #expect(error.message.contains("\"X-Inject\""), "\(error)")
            #expect(error.message.contains("CR, LF"))
            #expect(error.description == error.message)
        }
        let contentType = try #require(refusal(ResponseEncoder.Head(status: .ok, contentType: "text/plain\r\nX: y", framing: .none)))
        #expect(contentType.message.contains("Content-Type"))
    }

    @Test("a header name that is not a token is refused with a clear message")
    func injectionInName() throws {
        for name in ["X-A\r\nX-B", "X A", "X:A", "", "X\nA", "Ünicode"] {
            var fields = HTTPFields()
            fields.add(name: name, value: "v")
            let error = try #require(refusal(ResponseEncoder.Head(status: .ok, headers: fields, framing: .contentLength(0))))
            #expect(error.message.contains("is not a token"), "\(error)")
            #expect(error.message.contains(String(reflecting: name)))
        }
    }

    @Test("Content-Length or Transfer-Encoding among the user headers is refused: framing sets them")
    func framingFieldsRefused() throws {
        for name in ["Content-Length", "content-length", "Transfer-Encoding", "TRANSFER-ENCODING"] {
            var fields = HTTPFields()
            fields.add(name: name, value: "5")
            let error = try #require(refusal(ResponseEncoder.Head(status: .ok, headers: fields, framing: .contentLength(10))))
            #expect(error.message.contains(String(reflecting: name)) && error.message.contains("framing"), "\(error)")
        }
        var allowed = HTTPFields()
        allowed.add(name: "Content-Length-Extra", value: "1")
        allowed.add(name: "Content-Encoding", value: "gzip")
        #expect(refusalFree(ResponseEncoder.Head(status: .ok, headers: allowed, framing: .contentLength(1))))
    }

    @Test("Content-Type set twice (the field and a header, or two headers) is refused; once either way is fine")
    func duplicateContentTypeRefused() throws {
        var one = HTTPFields()
        one.add(name: "content-type", value: "text/html")
        let both = try #require(refusal(ResponseEncoder.Head(status: .ok, contentType: "text/plain", headers: one, framing: .contentLength(1))))
        #expect(both.message.contains("repeats the Content-Type"), "\(both)")
        var two = one
        two.add(name: "Content-Type", value: "text/plain")
        #expect(try #require(refusal(ResponseEncoder.Head(status: .ok, headers: two, framing: .contentLength(1)))).message.contains("Content-Type"))
        #expect(refusalFree(ResponseEncoder.Head(status: .ok, headers: one, framing: .contentLength(1))))
        #expect(refusalFree(ResponseEncoder.Head(status: .ok, contentType: "text/plain", framing: .contentLength(1))))
    }

    func refusalFree(_ head: ResponseEncoder.Head) -> Bool {
        (try? ResponseEncoder.headSize(head, date: date)) != nil
    }

    @Test("an invalid status or a negative length is refused")
    func invalidStatusAndLength() throws {
        for status in [HTTPStatus(code: 99), HTTPStatus(code: 1000), HTTPStatus(code: -200), HTTPStatus(code: 200, reasonPhrase: "OK\r\nX: y")] {
            let error = try #require(refusal(ResponseEncoder.Head(status: status, framing: .none)))
            #expect(error.message.contains("response status \(status.code)"), "\(error)")
        }
        let negative = try #require(refusal(ResponseEncoder.Head(status: .ok, framing: .contentLength(-1))))
        #expect(negative.message.contains("-1"))
    }

    /// A random head: registered, unregistered and custom-reason statuses, 0-8 fields with
    /// ASCII or two-byte UTF-8 values, every framing (Int.max has the most digits a length can have).
    static func randomHead(using rng: inout SeededRNG) -> ResponseEncoder.Head {
        let statuses: [HTTPStatus] = [.ok, .created, .noContent, .notFound, .badRequest, .internalServerError, .expectationFailed,
                                      HTTPStatus(code: 299), HTTPStatus(code: 999),
                                      HTTPStatus(code: 451, reasonPhrase: "Unavailable For Legal Reasons")]
        var fields = HTTPFields()
        let character = Bool.random(using: &rng) ? "v" : "é"
        for i in 0..<Int.random(in: 0...8, using: &rng) {
            fields.add(name: "X-Field-\(i)", value: String(repeating: character, count: Int.random(in: 0...50, using: &rng)))
        }
        let framing: ResponseFraming = switch Int.random(in: 0...3, using: &rng) {
        case 0: .contentLength(Int.max)
        case 1: .contentLength(Int.random(in: 0...Int.max, using: &rng))
        case 2: .chunked
        default: .none
        }
        let contentTypes = [nil, "text/plain", "application/json; charset=utf-8"]
        return ResponseEncoder.Head(status: statuses.randomElement(using: &rng)!,
                                    contentType: contentTypes.randomElement(using: &rng)!,
                                    headers: fields, framing: framing,
                                    close: Bool.random(using: &rng), keepAlive: Bool.random(using: &rng))
    }

    @Test("headSize equals the bytes written, for many heads")
    func headSizeMatches() throws {
        var rng = SeededRNG(seed: 11)
        for _ in 0..<300 {
            let head = Self.randomHead(using: &rng)
            let text = try encode(head)  // checks written == headSize
            #expect(text.hasPrefix("HTTP/1.1 ") && text.hasSuffix("\r\n\r\n"))
            let size = try ResponseEncoder.headSize(head, date: date)
            #expect(text.utf8.count == size)
        }
    }

    @Test("one pass: encodeResponse writes the two-pass head and the body, within headSizeLimit, for many heads")
    func onePassMatchesTwoPasses() throws {
        var rng = SeededRNG(seed: 12)
        for _ in 0..<300 {
            let head = Self.randomHead(using: &rng)
            let body: String? = Bool.random(using: &rng) ? String(repeating: "ü", count: Int.random(in: 0...30, using: &rng)) : nil
            let limit = ResponseEncoder.headSizeLimit(status: head.status, contentType: head.contentType, headers: head.headers,
                                                      date: date, bodyBytes: body?.utf8.count ?? 0)
            // Exactly the limit: a write past it traps in RawWriter.
            var bytes = [UInt8](repeating: 0, count: limit)
            let written = bytes.withUnsafeMutableBytes {
                ResponseEncoder.encodeResponse(status: head.status, contentType: head.contentType, headers: head.headers,
                                               framing: head.framing, close: head.close, keepAlive: head.keepAlive,
                                               date: date, body: body, into: $0)
            }
            #expect(String(decoding: bytes[..<written], as: UTF8.self) == (try encode(head)) + (body ?? ""))
        }
    }

    @Test("encodeHead writes only inside the buffer it is given")
    func encodeIntoExactBuffer() throws {
        let head = ResponseEncoder.Head(status: .ok, contentType: "text/plain", framing: .contentLength(5))
        let size = try ResponseEncoder.headSize(head, date: date)
        // Written into the middle of a larger buffer, the bytes around it stay untouched.
        var bytes = [UInt8](repeating: 0xAA, count: size + 20)
        let written = bytes.withUnsafeMutableBytes { ResponseEncoder.encodeHead(head, date: date, into: UnsafeMutableRawBufferPointer(rebasing: $0[10..<(10 + size)])) }
        #expect(written == size)
        #expect(bytes[..<10].allSatisfy { $0 == 0xAA })
        #expect(bytes[(10 + size)...].allSatisfy { $0 == 0xAA })
    }

    @Test("chunk headers are lowercase hex and CRLF")
    func chunkHeaders() {
        func header(_ size: Int) -> String {
            var bytes = [UInt8](repeating: 0, count: ChunkedEncoder.chunkHeaderSize(size))
            let written = bytes.withUnsafeMutableBytes { ChunkedEncoder.encodeChunkHeader(size, into: $0) }
            #expect(written == bytes.count)
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(header(1) == "1\r\n")
        #expect(header(15) == "f\r\n")
        #expect(header(16) == "10\r\n")
        #expect(header(255) == "ff\r\n")
        #expect(header(256) == "100\r\n")
        #expect(header(4096) == "1000\r\n")
        #expect(header(0xABCDEF) == "abcdef\r\n")
        #expect(header(Int.max) == "7fffffffffffffff\r\n")
        #expect(ChunkedEncoder.end.description == "0\r\n\r\n")
        #expect(ChunkedEncoder.chunkEnd.description == "\r\n")
        // What the encoder frames, the decoder reads back.
        let data = Array(repeating: UInt8(ascii: "z"), count: 300)
        let framed = Array(header(300).utf8) + data + Array("\r\n0\r\n\r\n".utf8)
        let decoded = decodeChunked(framed)
        #expect(decoded.body == data && decoded.finished)
    }
}

@Suite("HTTPDate and DateCache (RFC 9110 §5.6.7)")
struct HTTPDateTests {
    @Test("known epochs format as IMF-fixdate", arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),  // leap year divisible by 400
        (1_709_208_000, "Thu, 29 Feb 2024 12:00:00 GMT"),  // leap year
        (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
        (2_147_483_647, "Tue, 19 Jan 2038 03:14:07 GMT"),  // last second of 32-bit time_t
        (2_147_483_648, "Tue, 19 Jan 2038 03:14:08 GMT"),
        (4_102_444_800, "Fri, 01 Jan 2100 00:00:00 GMT"),  // 2100 is not a leap year
        (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),
        (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    ])
    func knownEpochs(seconds: Int, expected: String) {
        #expect(HTTPDate.string(seconds) == expected)
        #expect(HTTPDate.string(seconds).utf8.count == 29)
    }

    @Test("DateCache holds the Date line and reformats only when the second changes")
    func dateCache() {
        let cache = DateCache(now: 0)
        #expect(String(decoding: cache.line, as: UTF8.self) == "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n")
        #expect(cache.second == 0)

        // Each new second formats once; the same second formats nothing.
        let formats = cache.formatCount
        cache.refresh(now: 0)
        #expect(cache.formatCount == formats, "same second: not reformatted")
        var held = cache.line

        cache.refresh(now: 86_400 + 3_661)
        #expect(cache.formatCount == formats + 1, "new second: reformatted")
        #expect(String(decoding: cache.line, as: UTF8.self) == "Date: Fri, 02 Jan 1970 01:01:01 GMT\r\n")
        #expect(cache.second == 90_061)
        held = cache.line
        cache.refresh(now: 90_061)
        cache.refresh(now: 90_061)
        #expect(cache.formatCount == formats + 1)
        #expect(cache.line == held)
        #expect(Array(cache.lineBytes) == held)
        #expect(held.count == 37)
    }

    @Test("DateCache with the current time")
    func currentTime() {
        let now = DateCache.currentSecond()
        #expect(now > 1_700_000_000)
        let cache = DateCache()
        #expect(cache.second >= now)
        #expect(cache.line.count == 37)
    }
}
