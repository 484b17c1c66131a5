import Foundation
import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("File bodies")
struct FileBodyTests {
    /// A temporary file with `count` bytes of a known pattern.
    static func makeFile(_ count: Int) throws -> (path: String, bytes: [UInt8]) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-file-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    static func handler(_ path: String) -> HTTPHandler {
        HTTPHandler { request in
            if request.pathEquals("/plain") { return .response(.text("plain\n")) }
            if request.pathEquals("/range") {
                return .response(Response(status: .partialContent, body: .file(try FileBody(path: path, offset: 10, length: 100))))
            }
            return .response(Response(contentType: "application/octet-stream", body: .file(try FileBody(path: path))))
        }
    }

    @Test("a file is sent whole, small (copied beside its head) or large (sendfile)", arguments: bothModes, [1000, 300_000])
    func whole(mode: TestMode, size: Int) async throws {
        let file = try Self.makeFile(size)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler(file.path)) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/file")
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == "\(size)")
            #expect(response.body == file.bytes)
            // Pipelined behind a file, in order.
            try await connection.send("GET /file HTTP/1.1\r\nHost: t\r\n\r\nGET /plain HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await connection.readResponse().body == file.bytes)
            #expect(try await connection.readResponse().bodyString == "plain\n")
        }
    }

    @Test("a range of a file", arguments: bothModes)
    func range(mode: TestMode) async throws {
        let file = try Self.makeFile(5000)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler(file.path)) { server in
            let response = try await server.connect().get("/range")
            #expect(response.status == 206)
            #expect(response.body == Array(file.bytes[10..<110]))
        }
    }

    @Test("HEAD gets the file's length and no body; the connection goes on")
    func head() async throws {
        let file = try Self.makeFile(70_000)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: Self.handler(file.path)) { server in
            let connection = try await server.connect()
            let response = try await connection.request("HEAD", "/file")
            #expect(response.header("Content-Length") == "70000")
            #expect(response.body.isEmpty)
            #expect(try await connection.get("/plain").bodyString == "plain\n")
        }
    }

    @Test("a missing file or a range outside it is an error that names the file")
    func errors() throws {
        #expect(throws: FileBodyError.self) { try FileBody(path: "/nonexistent/pronto") }
        let file = try Self.makeFile(10)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        let error = #expect(throws: FileBodyError.self) { try FileBody(path: file.path, offset: 5, length: 6) }
        #expect(error?.description.contains(file.path) == true)
        #expect(throws: FileBodyError.self) { try FileBody(path: "/tmp") }  // a directory
    }
}
