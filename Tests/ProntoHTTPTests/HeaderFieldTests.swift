import ProntoHTTP
import Testing

// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS, and the fields that decide
// framing and connection handling (RFC 9112 §6, §9; RFC 9110 §7.2, §7.6.1, §7.8, §10.1.1).

@Suite("Header fields (RFC 9112 §5, §6)")
struct HeaderFieldTests {
    @Test("field names are tokens (RFC 9110 §5.1)")
    func fieldNameIsToken() {
        expectError(request("GET / HTTP/1.1", "Host: a", "X@Y: 1"), .invalidHeaderName, status: 400)
        expectError(request("GET / HTTP/1.1", "Host: a", "X(Y): 1"), .invalidHeaderName, status: 400)
        expectError(request("GET / HTTP/1.1", "Host: a", ": empty name"), .invalidHeaderName, status: 400)
        expectError(request("GET / HTTP/1.1", "Host: a", "NoColonHere"), .invalidHeaderName, status: 400)
        expectError(request("GET / HTTP/1.1", "Host: a", "Ünicode: 1"), .invalidHeaderName, status: 400)
        expectError(request("GET / HTTP/1.1", "Host: a", "X\u{7F}: 1"), .controlCharacter, status: 400)
        // Every tchar is allowed.
        let head = parseHead(request("GET / HTTP/1.1", "Host: a", "!#$%&'*+-.^_`|~09azAZ: v"))
        #expect(head?.headers.last?.name == "!#$%&'*+-.^_`|~09azAZ")
    }

    @Test("whitespace between field name and colon is 400 (RFC 9112 §5.1)")
    func whitespaceBeforeColon() {
        expectError(request("GET / HTTP/1.1", "Host: a", "X-A : 1"), .whitespaceBeforeColon, status: 400)
        expectError(request("GET / HTTP/1.1", "Host: a", "X-A\t: 1"), .whitespaceBeforeColon, status: 400)
        expectError(request("GET / HTTP/1.1", "Host : a"), .whitespaceBeforeColon, status: 400)
    }

    @Test("obsolete line folding is 400 (RFC 9112 §5.2)")
    func obsoleteLineFolding() {
        expectError(request("GET / HTTP/1.1", "Host: a", "X-A: one", " two"), .obsoleteLineFolding, status: 400)
        expectError(request("GET / HTTP/1.1", "Host: a", "X-A: one", "\ttwo"), .obsoleteLineFolding, status: 400)
        // Whitespace between the request line and the first field line (RFC 9112 §2.2).
        expectError(request("GET / HTTP/1.1", " Host: a"), .obsoleteLineFolding, status: 400)
    }

    @Test("a CR not followed by LF is 400 (RFC 9112 §2.2)")
    func bareCR() {
        expectError(request("GET / HTTP/1.1", "Host: a", "X-A: one\rtwo"), .bareCR, status: 400)
        expectError(request("GET /\r HTTP/1.1", "Host: a"), .bareCR, status: 400)
        expectError("GET / HTTP/1.1\r\nHost: a\r\n\rX", .bareCR, status: 400)
    }

    @Test("an LF without CR is 400, never a line end (RFC 9112 §2.2)")
    func bareLF() {
        expectError("GET / HTTP/1.1\nHost: a\r\n\r\n", .bareLF, status: 400)
        expectError("GET / HTTP/1.1\r\nHost: a\n\r\n", .bareLF, status: 400)
        expectError("GET / HTTP/1.1\r\nHost: a\r\n\n", .bareLF, status: 400)
        expectError("GET / HTTP/1.1\r\nX: a\nb\r\nHost: a\r\n\r\n", .bareLF, status: 400)
    }

    @Test("other control characters are 400 (RFC 9110 §5.5: field-vchar excludes CTL but HTAB)")
    func controlCharacters() {
        for control in [0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F] {
            let text = request("GET / HTTP/1.1", "Host: a", "X: a\(Character(Unicode.Scalar(UInt8(control))))b")
            expectError(text, .controlCharacter, status: 400)
        }
        // HTAB is whitespace, allowed inside a value.
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a", "X: a\tb"))?.headers.last?.value == "a\tb")
    }

    @Test("Host is required on HTTP/1.1, optional on 1.0 (RFC 9112 §3.2)")
    func hostRequired() {
        expectError(request("GET / HTTP/1.1"), .missingHost, status: 400)
        expectError(request("GET / HTTP/1.1", "X-Host: a"), .missingHost, status: 400)
        let v10 = parseHead(request("GET / HTTP/1.0"))
        #expect(v10 != nil)
        #expect(v10?.host == nil)
        // An empty Host is valid (the target has no authority).
        #expect(parseHead(request("GET / HTTP/1.1", "Host:"))?.host == "")
        #expect(parseHead(request("GET / HTTP/1.1", "hOsT: example.com:80"))?.host == "example.com:80")
    }

    @Test("more than one Host field line is 400 (RFC 9112 §3.2)")
    func hostRepeated() {
        expectError(request("GET / HTTP/1.1", "Host: a", "Host: a"), .duplicateHost, status: 400)
        expectError(request("GET / HTTP/1.1", "Host: a", "X: 1", "host: b"), .duplicateHost, status: 400)
        expectError(request("GET / HTTP/1.0", "HOST: a", "Host: b"), .duplicateHost, status: 400)
    }

    @Test("a Host with an invalid value is 400 (RFC 9112 §3.2, RFC 3986 §3.2.2)")
    func hostInvalid() {
        for value in ["a b", "a/b", "user@a", "a?b", "a#b", "\"a\"", "a<b", "caf\u{E9}", "a\tb"] {
            expectError(request("GET / HTTP/1.1", "Host: \(value)"), .invalidHost, status: 400)
        }
        for value in ["example.com", "example.com:8080", "[::1]:80", "192.0.2.1", "xn--bcher-kva.example", "a%20b", "a_b~!$&'()*+,;="] {
            #expect(parseHead(request("GET / HTTP/1.1", "Host: \(value)"))?.host == value)
        }
    }

    @Test("Content-Length is digits only (RFC 9110 §8.6)")
    func contentLengthDigitsOnly() {
        for value in ["abc", "-1", "+1", "1.0", "0x10", "1 2", "1,1", "", "١"] {
            expectError(request("POST / HTTP/1.1", "Host: a", "Content-Length: \(value)"), .invalidContentLength, status: 400)
        }
        let head = parseHead(request("POST / HTTP/1.1", "Host: a", "Content-Length:  42 \t"))
        #expect(head?.contentLength == 42)
        #expect(parseHead(request("POST / HTTP/1.1", "Host: a", "Content-Length: 0"))?.contentLength == 0)
        // A value too large for Int saturates and is then over any body limit.
        expectError(request("POST / HTTP/1.1", "Host: a", "Content-Length: 99999999999999999999999999"),
                    .bodyTooLarge(limit: HTTPLimits.default.maxBodySize), status: 413)
    }

    @Test("repeated Content-Length with the same value is one length (RFC 9110 §8.6)")
    func contentLengthRepeatedSame() {
        let head = parseHead(request("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "content-length: 005"))
        #expect(head?.contentLength == 5)
        #expect(head?.headers.count == 3)
    }

    @Test("repeated Content-Length with different values is 400 (RFC 9112 §6.3 item 5)")
    func contentLengthConflicting() {
        expectError(request("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: 6"),
                    .conflictingContentLength, status: 400)
    }

    @Test("Transfer-Encoding: chunked frames the body (RFC 9112 §6.1)")
    func transferEncodingChunked() {
        let head = parseHead(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked"))
        #expect(head?.isChunked == true)
        #expect(head?.contentLength == nil)
        #expect(parseHead(request("POST / HTTP/1.1", "Host: a", "transfer-encoding:  Chunked "))?.isChunked == true)
        #expect(parseHead(request("POST / HTTP/1.1", "Host: a", "Content-Length: 0"))?.isChunked == false)
    }

    @Test("Transfer-Encoding whose last coding is not chunked is 400 (RFC 9112 §6.3 item 4)")
    func transferEncodingNotChunkedLast() {
        for value in ["gzip", "chunked, gzip", "chunked;x=1", "", " , ", "chunkedx"] {
            expectError(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: \(value)"),
                        .transferEncodingNotChunkedLast, status: 400)
        }
        // chunked applied twice, across two field lines (RFC 9112 §6.1: MUST NOT apply chunked more than once).
        expectError(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"),
                    .transferEncodingNotChunkedLast, status: 400)
        expectError(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip"),
                    .transferEncodingNotChunkedLast, status: 400)
    }

    @Test("an unknown coding before chunked is 501 (RFC 9112 §6.1)")
    func transferEncodingUnknownCoding() {
        expectError(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip, chunked"),
                    .unsupportedTransferCoding, status: 501)
        expectError(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked"),
                    .unsupportedTransferCoding, status: 501)
        expectError(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: x;q=1 , chunked"),
                    .unsupportedTransferCoding, status: 501)
    }

    @Test("both Transfer-Encoding and Content-Length is 400 (RFC 9112 §6.3 item 3)")
    func transferEncodingWithContentLength() {
        expectError(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Content-Length: 5"),
                    .transferEncodingWithContentLength, status: 400)
        expectError(request("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: chunked"),
                    .transferEncodingWithContentLength, status: 400)
    }

    @Test("Transfer-Encoding on HTTP/1.0 is 400 (RFC 9112 §6.1: framing is faulty)")
    func transferEncodingOnHTTP10() {
        expectError(request("POST / HTTP/1.0", "Transfer-Encoding: chunked"), .transferEncodingOnHTTP1_0, status: 400)
    }

    @Test("HTTP/1.1 is persistent unless Connection: close (RFC 9112 §9.3)")
    func keepAliveHTTP11() {
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a"))?.keepAlive == true)
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a", "Connection: close"))?.keepAlive == false)
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a", "Connection: CLOSE"))?.keepAlive == false)
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a", "Connection: x-foo ,close, y"))?.keepAlive == false)
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a", "Connection: x", "Connection: close"))?.keepAlive == false)
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a", "Connection: keep-alive"))?.keepAlive == true)
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a", "Connection: closed"))?.keepAlive == true)
        #expect(parseHead(request("GET / HTTP/1.1", "Host: a", "X-Connection: close"))?.keepAlive == true)
    }

    @Test("HTTP/1.0 closes unless Connection: keep-alive (RFC 9112 §9.3, Appendix C.2.2)")
    func keepAliveHTTP10() {
        #expect(parseHead(request("GET / HTTP/1.0"))?.keepAlive == false)
        #expect(parseHead(request("GET / HTTP/1.0", "Connection: keep-alive"))?.keepAlive == true)
        #expect(parseHead(request("GET / HTTP/1.0", "Connection: Keep-Alive"))?.keepAlive == true)
        #expect(parseHead(request("GET / HTTP/1.0", "Connection: keep-alive, close"))?.keepAlive == false)
        #expect(parseHead(request("GET / HTTP/1.0", "Connection: keep-alivex"))?.keepAlive == false)
    }

    @Test("Expect: 100-continue is recognised (RFC 9110 §10.1.1)")
    func expectContinue() {
        #expect(parseHead(request("POST / HTTP/1.1", "Host: a", "Content-Length: 1", "Expect: 100-continue"))?.expectsContinue == true)
        #expect(parseHead(request("POST / HTTP/1.1", "Host: a", "Expect:  100-Continue "))?.expectsContinue == true)
        #expect(parseHead(request("POST / HTTP/1.1", "Host: a"))?.expectsContinue == false)
        // A 1.0 client cannot understand 100 Continue: the expectation MUST be ignored.
        #expect(parseHead(request("POST / HTTP/1.0", "Expect: 100-continue"))?.expectsContinue == false)
    }

    @Test("another expectation is 417 (RFC 9110 §10.1.1)")
    func expectOther() {
        for value in ["foo", "100-continue, foo", "200-ok", "", "100-continu"] {
            expectError(request("POST / HTTP/1.1", "Host: a", "Expect: \(value)"), .unsupportedExpectation, status: 417)
        }
    }

    @Test("Upgrade and Connection: upgrade are recognised, ignored on HTTP/1.0 (RFC 9110 §7.8)")
    func upgrade() {
        let head = parseHead(request("GET /chat HTTP/1.1", "Host: a", "Connection: keep-alive, Upgrade", "Upgrade:  websocket "))
        #expect(head?.upgrade == "websocket")
        #expect(head?.connectionUpgrade == true)
        let plain = parseHead(request("GET / HTTP/1.1", "Host: a"))
        #expect(plain?.upgrade == nil)
        #expect(plain?.connectionUpgrade == false)
        let v10 = parseHead(request("GET / HTTP/1.0", "Connection: upgrade", "Upgrade: websocket"))
        #expect(v10?.upgrade == nil)
        #expect(v10?.connectionUpgrade == false)
    }

    @Test("values are trimmed of leading and trailing OWS (RFC 9112 §5.1)")
    func valuesTrimmed() throws {
        let head = try #require(parseHead(request("GET / HTTP/1.1", "Host:a", "X-A: \t a  b \t ", "X-B:", "X-C:   ")))
        #expect(head.headers.map(\.description) == ["Host: a", "X-A: a  b", "X-B: ", "X-C: "])
        #expect(head.host == "a")
    }

    @Test("obs-text bytes 0x80-0xFF are accepted in values (RFC 9110 §5.5)")
    func obsTextInValues() throws {
        var bytes = Array(request("GET / HTTP/1.1", "Host: a", "X-Bin: ~~").utf8)
        let valueStart = bytes.count - 6
        bytes.insert(contentsOf: [0x80, 0xC3, 0xA9, 0xFF], at: valueStart + 1)
        var parser = RequestParser()
        try bytes.withUnsafeBytes { raw in
            guard case .complete(let head) = parser.parse(raw) else {
                Issue.record("obs-text refused")
                return
            }
            let value = try #require(head.headers.last?.value)
            #expect(Array(raw[value.range]) == [UInt8(ascii: "~"), 0x80, 0xC3, 0xA9, 0xFF, UInt8(ascii: "~")])
            // string(_:in:) repairs invalid UTF-8 and keeps valid sequences.
            #expect(head.string(value, in: raw) == "~\u{FFFD}é\u{FFFD}~")
        }
    }

    @Test("string(_:in:) and firstHeaderIndex(named:in:) read the head's bytes")
    func accessors() throws {
        let text = request("GET /p?q HTTP/1.1", "Host: example", "Accept: a", "X-Dup: first", "x-dup: second")
        let bytes = Array(text.utf8)
        var parser = RequestParser()
        try bytes.withUnsafeBytes { raw in
            guard case .complete(let head) = parser.parse(raw) else {
                Issue.record("not complete")
                return
            }
            #expect(head.string(head.methodRange, in: raw) == "GET")
            #expect(head.string(head.targetRange, in: raw) == "/p?q")
            let host = try #require(head.hostRange)
            #expect(head.string(host, in: raw) == "example")
            #expect(head.firstHeaderIndex(named: "accept", in: raw) == 1)
            #expect(head.firstHeaderIndex(named: "x-dup", in: raw) == 2)
            #expect(head.firstHeaderIndex(named: "host", in: raw) == 0)
            #expect(head.firstHeaderIndex(named: "x-missing", in: raw) == nil)
            #expect(head.firstHeaderIndex(named: "x-du", in: raw) == nil)
            // Either side's case: the name asked for need not be lowercase.
            #expect(head.firstHeaderIndex(named: "Accept", in: raw) == 1)
            var duplicates: [Int] = []
            head.forEachHeaderIndex(named: "X-DUP", in: raw) { duplicates.append($0) }
            #expect(duplicates == [2, 3])
            #expect(head.string(head.headers[3].value, in: raw) == "second")
            #expect(head.hasBody == false)
        }
    }
}
