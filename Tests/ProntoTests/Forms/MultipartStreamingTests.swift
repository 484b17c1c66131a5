import Foundation
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

/// `request.multipartForm` on a route that streams its body (`body: .stream`): the parts are
/// parsed from `request.bodyStream` as it arrives, past the server's collected-body limit.
@Suite("Multipart requests, streamed")
struct MultipartStreamingTests {
    static func makeApp(directory: String) -> App {
        let app = App(configuration: quietConfiguration())
        let limits = MultipartLimits(maxFileSize: 4 * 1024 * 1024, temporaryDirectory: directory)
        app.post("/upload", body: .stream(maxSize: 8 * 1024 * 1024)) { request async throws -> String in
            let form = try await request.multipartForm(limits: limits)
            var summary = "\(form["title"] ?? "-")"
            for file in form.files {
                var checksum = Checksum()
                checksum.add(try Data(contentsOf: URL(fileURLWithPath: file.path)))
                summary += " \(file.filename):\(file.size):\(String(checksum.hash, radix: 16))"
            }
            return summary
        }
        return app
    }

    /// 3 MiB of file: three times the server's default limit for a collected body.
    static let fileBytes = LargeUpload.bytes(at: 0, count: 3 * 1024 * 1024)
    static let body = MultipartBody(parts: [
        .field("title", "big one"),
        .file(name: "data", filename: "data.bin", contentType: "application/octet-stream", bytes: fileBytes),
        .file(name: "small", filename: "s.txt", contentType: "text/plain", bytes: Array("small\r\n".utf8)),
    ])

    static func expected() -> String {
        var big = Checksum()
        big.add(fileBytes)
        var small = Checksum()
        small.add(Array("small\r\n".utf8))
        return "big one data.bin:\(fileBytes.count):\(String(big.hash, radix: 16)) s.txt:7:\(String(small.hash, radix: 16))"
    }

    @Test("a 3 MiB upload with Content-Length streams to disk; the files are removed after the handler", arguments: bothModes)
    func contentLength(mode: TestMode) async throws {
        try await withUploadDirectory { directory in
            try await Self.makeApp(directory: directory).test(mode) { client in
                let response = try await client.request("POST", "/upload", headers: [("Content-Type", Self.body.contentType)], body: Self.body.bytes)
                #expect(response.status == 200)
                #expect(response.bodyString == Self.expected())
                #expect(try await waitUntil(directory, holds: []))
            }
        }
    }

    @Test("a chunked upload, chunks of a prime size so delimiters fall across them", arguments: bothModes)
    func chunked(mode: TestMode) async throws {
        try await withUploadDirectory { directory in
            try await Self.makeApp(directory: directory).test(mode) { client in
                let connection = try await client.connect()
                try await connection.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: \(Self.body.contentType)\r\nTransfer-Encoding: chunked\r\n\r\n")
                let bytes = Self.body.bytes
                for start in stride(from: 0, to: bytes.count, by: 65_521) {
                    let chunk = bytes[start..<Swift.min(start + 65_521, bytes.count)]
                    try await connection.send(Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10])
                }
                try await connection.send("0\r\n\r\n")
                let response = try await connection.readResponse()
                #expect(response.status == 200)
                #expect(response.bodyString == Self.expected())
                #expect(try await waitUntil(directory, holds: []))
            }
        }
    }

    @Test("a streamed body past a multipart limit is a 413, malformed is a 400; no file is left", arguments: bothModes)
    func refused(mode: TestMode) async throws {
        try await withUploadDirectory { directory in
            try await Self.makeApp(directory: directory).test(mode) { client in
                let tooLarge = MultipartBody(parts: [.file(name: "data", filename: "d", contentType: nil, bytes: LargeUpload.bytes(at: 0, count: 4 * 1024 * 1024 + 1))])
                let refused = try await client.request("POST", "/upload", headers: [("Content-Type", tooLarge.contentType)], body: tooLarge.bytes)
                #expect(refused.status == 413)
                #expect(refused.bodyString == "the file 'data' is larger than 4194304 bytes\n")
                var truncated = Self.body.bytes
                truncated.removeLast(20)
                let connection = try await client.connect()
                let malformed = try await connection.request("POST", "/upload", headers: [("Content-Type", Self.body.contentType)], body: truncated)
                #expect(malformed.status == 400)
                #expect(try await waitUntil(directory, holds: []))
            }
        }
    }
}
