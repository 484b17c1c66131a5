import Logging
import NIOConcurrencyHelpers
import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

/// A body writer that announces `declared` bytes and writes `actual`.
private struct LyingWriter: ResponseBodyWriter {
    let declared: Int?
    let actual: Int
    var contentLength: Int? { declared }
    func write(into buffer: inout ByteBuffer) throws {
        buffer.writeRepeatingByte(UInt8(ascii: "x"), count: actual)
    }
}

/// A writer of unknown length writing `count` bytes of a pattern that starts at `seed`
/// (so a body moved to the wrong place, or cut, shows), or throwing when `count` < 0.
private struct PatternWriter: ResponseBodyWriter {
    struct Refused: Error {}
    let count: Int
    let seed: UInt8
    func write(into buffer: inout ByteBuffer) throws {
        guard count >= 0 else {
            buffer.writeString("partial")
            throw Refused()
        }
        for i in 0..<count { buffer.writeInteger(seed &+ UInt8(truncatingIfNeeded: i % 251)) }
    }
    static func expected(_ count: Int, _ seed: UInt8) -> [UInt8] { (0..<count).map { seed &+ UInt8(truncatingIfNeeded: $0 % 251) } }
}

@Suite("Body length")
struct BodyLengthTests {
    static func handler() -> HTTPHandler {
        HTTPHandler { request in
            let declared = request.header("x-declared").flatMap { Int($0) }
            let actual = Int(request.header("x-actual") ?? "0") ?? 0
            let response = Response(contentType: "text/plain", body: .writer(LyingWriter(declared: declared, actual: actual)))
            if request.pathEquals("/async") { return .async { _ in response } }
            return .response(response)
        }
    }

    @Test("a writer whose bytes differ from its contentLength gives a 500, the connection goes on, the log names the request",
          arguments: bothModes, [(5, 13), (20, 13), (0, 1), (1, 0)])
    func mismatch(mode: TestMode, lengths: (declared: Int, actual: Int)) async throws {
        let capture = LogCapture()
        var configuration = quietConfiguration()
        configuration.logger = capture.logger
        try await withTestServer(mode, configuration: configuration, handler: Self.handler()) { server in
            let connection = try await server.connect()
            for path in ["/sync", "/async"] {
                // Pipelined behind it: a request whose answer must arrive intact.
                try await connection.send(
                    "GET \(path)?lie HTTP/1.1\r\nHost: t\r\nX-Declared: \(lengths.declared)\r\nX-Actual: \(lengths.actual)\r\n\r\n"
                        + "GET \(path)?honest HTTP/1.1\r\nHost: t\r\nX-Declared: 3\r\nX-Actual: 3\r\n\r\n")
                let lie = try await connection.readResponse()
                #expect(lie.status == 500)
                let honest = try await connection.readResponse()
                #expect(honest.status == 200)
                #expect(honest.bodyString == "xxx")
                #expect(capture.text.contains("GET \(path)?lie"), "\(capture.text)")
                #expect(capture.text.contains("declared contentLength \(lengths.declared) but wrote \(lengths.actual)"))
            }
        }
    }

    @Test("a writer of unknown length is measured and sent whole", arguments: bothModes)
    func unknownLength(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/sync", headers: [("X-Actual", "7")])
            #expect(response.status == 200)
            #expect(response.body.count == 7)
        }
    }

    @Test("bodies of unknown length written in place: every digit-count change (grow and shrink), pipelined, HEAD, a writer that throws", arguments: bothModes)
    func unknownLengthInPlace(mode: TestMode) async throws {
        let handler = HTTPHandler { request in
            let count = Int(request.header("x-count") ?? "0") ?? 0
            let seed = UInt8(request.header("x-seed") ?? "0") ?? 0
            let response = Response(contentType: "application/octet-stream", body: .writer(PatternWriter(count: count, seed: seed)))
            if request.pathEquals("/async") { return .async { _ in response } }
            return .response(response)
        }
        // Digit counts 1, 2, 3, 5, 1, 4, 6, 2: the guess (the last body's digits) is wrong
        // both ways; -1 throws (a 500 in its place, the rest intact).
        let counts = [0, 7, 42, 123, 70_000, 9, -1, 1000, 123_456, 12]
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            for path in ["/sync", "/async"] {
                var requests = ""
                for (i, count) in counts.enumerated() {
                    requests += "GET \(path) HTTP/1.1\r\nHost: t\r\nX-Count: \(count)\r\nX-Seed: \(i * 17)\r\n\r\n"
                }
                requests += "HEAD \(path) HTTP/1.1\r\nHost: t\r\nX-Count: 321\r\n\r\n"
                try await connection.send(requests)
                for (i, count) in counts.enumerated() {
                    let response = try await connection.readResponse()
                    if count < 0 {
                        #expect(response.status == 500, "\(path) #\(i)")
                        continue
                    }
                    #expect(response.status == 200, "\(path) #\(i)")
                    #expect(response.header("content-length") == "\(count)", "\(path) #\(i)")
                    let expected = PatternWriter.expected(count, UInt8(i * 17))
                    let intact = response.body == expected  // compared outside #expect: no array dump
                    #expect(intact, "\(path) #\(i): body of \(count) bytes, \(response.body.count) received")
                }
                let head = try await connection.readResponse(isHead: true)
                #expect(head.status == 200)
                #expect(head.header("content-length") == "321")
                #expect(head.body.isEmpty)
            }
        }
    }
}
