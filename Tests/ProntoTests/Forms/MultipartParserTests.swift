import NIOCore
@testable import Pronto
import Testing

@Suite("Multipart parser")
struct MultipartParserTests {
    static let sample = MultipartBody(
        parts: [
            .field("title", "Hello\r\n--not the boundary\r\n-"),
            .file(name: "doc", filename: "a.txt", contentType: "text/plain", bytes: Array("line 1\r\nline 2\r\n\r\n--".utf8)),
            .field("empty", ""),
            .file(name: "bin", filename: "b.bin", contentType: nil, bytes: [0, 13, 10, 45, 45, 13, 13, 10, 255]),
            // The delimiter's beginning, up to one byte short of the boundary, inside content.
            .field("tricky", "x\r\n------ProntoBoundary7MA4YWxkTrZu0g+y"),
        ],
        preamble: "This is the preamble.\r\n",
        epilogue: "This is the epilogue."
    )

    static let expected: [ParsedPart] = [
        ParsedPart(name: "title", filename: nil, contentType: nil, body: Array("Hello\r\n--not the boundary\r\n-".utf8)),
        ParsedPart(name: "doc", filename: "a.txt", contentType: "text/plain", body: Array("line 1\r\nline 2\r\n\r\n--".utf8)),
        ParsedPart(name: "empty", filename: nil, contentType: nil, body: []),
        ParsedPart(name: "bin", filename: "b.bin", contentType: nil, body: [0, 13, 10, 45, 45, 13, 13, 10, 255]),
        ParsedPart(name: "tricky", filename: nil, contentType: nil, body: Array("x\r\n------ProntoBoundary7MA4YWxkTrZu0g+y".utf8)),
    ]

    @Test("one buffer: every part, its headers and its exact bytes; preamble and epilogue ignored")
    func wholeBody() throws {
        #expect(try parseMultipart([Self.sample.bytes], boundary: Self.sample.boundary).get() == Self.expected)
    }

    @Test("split at every byte: the same parts, wherever a delimiter, a header or CRLF is cut")
    func everySplitPoint() throws {
        let bytes = Self.sample.bytes
        for split in 0...bytes.count {
            let parts = parseMultipart([Array(bytes[..<split]), Array(bytes[split...])], boundary: Self.sample.boundary)
            #expect(parts == .success(Self.expected), "split at \(split)")
        }
    }

    @Test("split at every pair of points, and one byte at a time")
    func everyTwoSplitPoints() async throws {
        // The sample without preamble and epilogue keeps the pairs few enough for a debug build.
        let body = MultipartBody(parts: [.field("a", "1\r\n--x"), .file(name: "f", filename: "f", contentType: nil, bytes: Array("\r\n-\r\n--".utf8))], preamble: "", epilogue: "")
        let bytes = body.bytes
        let expected = try parseMultipart([bytes], boundary: body.boundary).get()
        for first in 0...bytes.count {
            await Task.yield()  // a long CPU-bound loop lets the live tests' tasks run meanwhile
            for second in first...bytes.count {
                let chunks = [Array(bytes[..<first]), Array(bytes[first..<second]), Array(bytes[second...])]
                #expect(parseMultipart(chunks, boundary: body.boundary) == .success(expected), "splits at \(first), \(second)")
            }
        }
        #expect(parseMultipart(Self.sample.bytes.map { [$0] }, boundary: Self.sample.boundary) == .success(Self.expected))
    }

    @Test("no preamble and no CRLF before the first boundary; transport padding after a boundary; folded and odd-cased headers")
    func variants() throws {
        let body = "--b  \t\r\nCONTENT-DISPOSITION: form-data;\r\n name=\"a\"; filename=\"C:\\dir\\x.txt\"\r\ncontent-type:image/png\r\n\r\nA\r\n--b\r\nContent-Disposition: form-data; name=b; filename*=UTF-8''na%C3%AFve.txt\r\n\r\nB\r\n--b--"
        let parts = try parseMultipart([Array(body.utf8)], boundary: "b").get()
        #expect(parts == [
            ParsedPart(name: "a", filename: "C:\\dir\\x.txt", contentType: "image/png", body: Array("A".utf8)),
            ParsedPart(name: "b", filename: "naïve.txt", contentType: nil, body: Array("B".utf8)),
        ])
        // Escaped quotes in a quoted name.
        let quoted = "--b\r\nContent-Disposition: form-data; name=\"say \\\"hi\\\"\"\r\n\r\nx\r\n--b--\r\n"
        #expect(try parseMultipart([Array(quoted.utf8)], boundary: "b").get().first?.name == #"say "hi""#)
    }

    @Test("malformed bodies are a 400 with the reason", arguments: [
        ("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", "multipart body ended without its closing boundary ('--b--')"),
        ("no boundary at all", "multipart body without any boundary line ('--b')"),
        ("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "bad Content-Disposition: a part has none (RFC 7578 §4.2 requires 'form-data; name=…')"),
        ("--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--b--", "bad Content-Disposition 'attachment; name=\"a\"': expected 'form-data; name=\"…\"'"),
        ("--b\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nx\r\n--b--", "bad Content-Disposition 'form-data; filename=\"a\"': expected 'form-data; name=\"…\"'"),
        ("--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--", "bad Content-Disposition 'form-data; name=\"a': expected 'form-data; name=\"…\"'"),
        ("--b\r\nno colon here\r\n\r\nx\r\n--b--", "malformed header line in a part: 'no colon here'"),
        ("--bX\r\n", "a multipart boundary line ('--b') must end with CRLF"),
        ("--b\r\n\r\nx\r\n--b--", "bad Content-Disposition: a part has none (RFC 7578 §4.2 requires 'form-data; name=…')"),
    ])
    func malformed(body: String, reason: String) {
        let result = parseMultipart([Array(body.utf8)], boundary: "b")
        #expect(result == .failure(HTTPError(.badRequest, reason)))
    }

    @Test("a header section past the limit is a 400, also when it never ends")
    func headerTooLarge() {
        let long = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: \(String(repeating: "x", count: 300))\r\n\r\nv\r\n--b--"
        #expect(parseMultipart([Array(long.utf8)], boundary: "b", maxHeaderSize: 256) == .failure(HTTPError(.badRequest, "a multipart part's header section is larger than 256 bytes")))
        let endless = "--b\r\nX: " + String(repeating: "y", count: 1000)
        #expect(parseMultipart(Array(endless.utf8).map { [$0] }, boundary: "b", maxHeaderSize: 256) == .failure(HTTPError(.badRequest, "a multipart part's header section is larger than 256 bytes")))
    }

    @Test("transport padding past the limit is a 400 however the body is split (a fuzzing finding)")
    func paddingLimitSplitIndependent() {
        // MultipartFuzzer: 300 spaces after a boundary were refused when a read ended inside
        // them, and accepted when the CRLF after them came in the same read.
        let body = Array(("--b" + String(repeating: " ", count: 300) + "\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b--").utf8)
        let refused = Result<[ParsedPart], HTTPError>.failure(HTTPError(.badRequest, "a multipart boundary line is followed by too many spaces"))
        for split in [0, 100, 280, 303, 304, body.count] {
            #expect(parseMultipart([Array(body[..<split]), Array(body[split...])], boundary: "b", maxHeaderSize: 256) == refused, "split at \(split)")
        }
        // Padding up to the limit is accepted, split or not.
        let padded = Array(("--b" + String(repeating: "\t", count: 256) + "\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b--").utf8)
        for split in [0, 200, 259, padded.count] {
            #expect((try? parseMultipart([Array(padded[..<split]), Array(padded[split...])], boundary: "b", maxHeaderSize: 256).get())?.count == 1)
        }
    }

    @Test("a header section of exactly the limit is accepted however the body is split (a fuzzing finding)")
    func headerAtLimitSplitIndependent() {
        // MultipartFuzzer: a section of exactly `maxHeaderSize` bytes was refused as too large
        // when a read ended between the CR and the LF of its blank line.
        let body = Array("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b--".utf8)
        let tooLarge = Result<[ParsedPart], HTTPError>.failure(HTTPError(.badRequest, "a multipart part's header section is larger than 39 bytes"))
        for split in 0...body.count {
            let chunks = [Array(body[..<split]), Array(body[split...])]
            #expect((try? parseMultipart(chunks, boundary: "b", maxHeaderSize: 40).get())?.count == 1, "split at \(split)")
            #expect(parseMultipart(chunks, boundary: "b", maxHeaderSize: 39) == tooLarge, "split at \(split)")
        }
    }

    @Test("boundaries: 1 to 70 bchars, not ending in a space", arguments: [
        ("b", true), (String(repeating: "a", count: 70), true), ("'()+_,-./:=? x", true),
        ("", false), (String(repeating: "a", count: 71), false), ("a b ", false), ("a\rb", false), ("a;b", false), ("é", false),
    ])
    func boundaries(boundary: String, valid: Bool) {
        #expect((MultipartDelimiter(boundary: boundary) != nil) == valid)
    }

    @Test("the delimiter search finds, keeps a partial tail, or passes everything")
    func delimiterSearch() {
        let delimiter = MultipartDelimiter(boundary: "xyz")!
        func search(_ text: String) -> MultipartDelimiter.Match {
            Array(text.utf8).withUnsafeBytes { delimiter.search(in: $0) }
        }
        #expect(search("ab\r\n--xyz--") == .found(2))
        #expect(search("ab\r\n--xy") == .partial(2))
        #expect(search("ab\r\r\n--x") == .partial(3))
        #expect(search("ab\r\n--xa\r") == .partial(8))
        #expect(search("ab\r\n-x") == .none)
        #expect(search("") == .none)
    }

    @Test("adversarial content (delimiter prefixes everywhere) parses in linear time")
    func adversarial() throws {
        let boundary = String(repeating: "q", count: 70)
        // Every 73 bytes, all of the delimiter but its last byte: the worst case for a naive search.
        let unit = Array("\r\n--\(String(repeating: "q", count: 69))".utf8)
        var content: [UInt8] = []
        while content.count < 4 * 1024 * 1024 { content += unit }
        content += Array("\r\r\r\r\r".utf8)
        let body = MultipartBody(boundary: boundary, parts: [.file(name: "f", filename: "f", contentType: nil, bytes: content)])
        let bytes = body.bytes
        let chunks = stride(from: 0, to: bytes.count, by: 8191).map { Array(bytes[$0..<min($0 + 8191, bytes.count)]) }
        let clock = ContinuousClock()
        let start = clock.now
        let parts = try parseMultipart(chunks, boundary: boundary).get()
        #expect(parts.first?.body == content)
        // Linear: ~4 MiB in well under a second even in a debug build; quadratic would take minutes.
        #expect(clock.now - start < .seconds(20))
    }
}
