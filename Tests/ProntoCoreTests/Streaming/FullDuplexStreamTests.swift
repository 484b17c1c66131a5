import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Full duplex: a streamed response that reads the request body as it writes")
struct FullDuplexStreamTests {
    /// `/echo` writes back each piece of the body as it comes; `/first` writes back the first
    /// piece only and ends, leaving the rest of the body unread.
    static func handler() -> HTTPHandler {
        HTTPHandler(bodyPolicy: { _ in .stream(maxSize: nil) }) { request in
            guard let stream = request.bodyStream else { return .response(.text("no body\n")) }
            let firstOnly = request.path == "/first"
            return .response(Response(contentType: "application/octet-stream", body: .stream(ResponseBodyStream { writer in
                for try await piece in stream {
                    try await writer.write(piece)
                    if firstOnly { return }
                }
            })))
        }
    }

    @Test("each piece comes back before the client sends the next; keep-alive goes on", arguments: bothModes)
    func echoesAsItArrives(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n")
            // The head and the first piece are out while the body is still arriving.
            _ = try await connection.waitForBytes(containing: "first")
            try await connection.send("6\r\nsecond\r\n")
            _ = try await connection.waitForBytes(containing: "second")
            try await connection.send("0\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyString == "firstsecond")
            #expect(response.header("Connection") == nil)
            #expect(try await connection.request("POST", "/echo", body: Array("again".utf8)).bodyString == "again")
        }
    }

    @Test("a stream that ends before the body does: a small rest is discarded and the connection goes on", arguments: bothModes)
    func smallRestDiscarded(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /first HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "a", count: 100))
            let response = try await connection.readResponse()
            #expect(response.bodyString == String(repeating: "a", count: 100))
            try await connection.send(String(repeating: "b", count: 900))
            #expect(try await connection.request("POST", "/echo", body: Array("next".utf8)).bodyString == "next")
        }
    }

    @Test("a stream that ends before a large chunked body does: the connection closes after the response")
    func largeRestCloses() async throws {
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /first HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
            let response = try await connection.readResponse()
            #expect(response.bodyString == "abc")
            _ = try await connection.waitForClose()
        }
    }
}
