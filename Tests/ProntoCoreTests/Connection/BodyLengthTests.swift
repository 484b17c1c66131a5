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
}
