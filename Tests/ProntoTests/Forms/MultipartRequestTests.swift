import Foundation
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

/// `request.multipartForm` and `request.decodeMultipart` through the app, collected bodies,
/// in both test modes.
@Suite("Multipart requests")
struct MultipartRequestTests {
    struct Upload: Decodable, Sendable {
        var title: String
        var document: UploadedFile
    }

    static func makeApp(directory: String) -> App {
        let app = App(configuration: quietConfiguration())
        let limits = MultipartLimits(maxFileSize: 1000, temporaryDirectory: directory)
        app.post("/upload") { request async throws -> String in
            let form = try await request.multipartForm(limits: limits)
            let files = try form.files.map { "\($0.name)=\($0.filename):\($0.contentType):\(try String(contentsOfFile: $0.path, encoding: .utf8))" }
            return "\(form.fields.map { "\($0.name)=\($0.value)" }) \(files)"
        }
        app.post("/decode") { request async throws -> String in
            let upload = try await request.decodeMultipart(Upload.self, limits: limits)
            return "\(upload.title): \(upload.document.filename) \(upload.document.size) bytes"
        }
        return app
    }

    static let body = MultipartBody(parts: [
        .field("title", "Report é"),
        .file(name: "document", filename: "r.txt", contentType: "text/plain", bytes: Array("the\r\nreport".utf8)),
        .file(name: "extra", filename: "x.csv", contentType: "text/csv", bytes: Array("a,b".utf8)),
    ])

    func post(_ client: TestClient, _ path: String, _ body: MultipartBody) async throws -> TestResponse {
        try await client.request("POST", path, headers: [("Content-Type", body.contentType)], body: body.bytes)
    }

    @Test("fields and files of a collected body; the files are gone once the handler is done", arguments: bothModes)
    func upload(mode: TestMode) async throws {
        try await withUploadDirectory { directory in
            try await Self.makeApp(directory: directory).test(mode) { client in
                let response = try await post(client, "/upload", Self.body)
                #expect(response.status == 200)
                #expect(response.bodyString == #"["title=Report é"] ["document=r.txt:text/plain:the\r\nreport", "extra=x.csv:text/csv:a,b"]"#)
                #expect(try await waitUntil(directory, holds: []))
            }
        }
    }

    @Test("decodeMultipart: fields and files into a Codable type; a missing file is a 400 naming it", arguments: bothModes)
    func decode(mode: TestMode) async throws {
        try await withUploadDirectory { directory in
            try await Self.makeApp(directory: directory).test(mode) { client in
                let response = try await post(client, "/decode", Self.body)
                #expect(response.bodyString == "Report é: r.txt 11 bytes")
                let missing = try await post(client, "/decode", MultipartBody(parts: [.field("title", "t")]))
                #expect(missing.status == 400)
                #expect(missing.bodyString == "invalid form body: missing field 'document'\n")
                #expect(try await waitUntil(directory, holds: []))
            }
        }
    }

    @Test("415, 400 and 413 with their reasons; the connection goes on", arguments: bothModes)
    func errors(mode: TestMode) async throws {
        try await withUploadDirectory { directory in
            try await Self.makeApp(directory: directory).test(mode) { client in
                let form = try await client.post("/upload", body: "a=1", headers: [("Content-Type", "application/x-www-form-urlencoded")])
                #expect(form.status == 415)
                let noBoundary = try await client.post("/upload", body: "--b--", headers: [("Content-Type", "multipart/form-data")])
                #expect(noBoundary.status == 400)
                #expect(noBoundary.bodyString == "the multipart/form-data Content-Type has no boundary parameter\n")
                var unclosed = Self.body.bytes
                unclosed.removeLast(10)
                let truncated = try await client.request("POST", "/upload", headers: [("Content-Type", Self.body.contentType)], body: unclosed)
                #expect(truncated.status == 400)
                #expect(truncated.bodyString == "multipart body ended without its closing boundary ('--\(Self.body.boundary)--')\n")
                let big = MultipartBody(parts: [.file(name: "document", filename: "big", contentType: nil, bytes: Array(repeating: 65, count: 1001))])
                let tooLarge = try await post(client, "/upload", big)
                #expect(tooLarge.status == 413)
                #expect(tooLarge.bodyString == "the file 'document' is larger than 1000 bytes\n")
                #expect(try await post(client, "/upload", Self.body).status == 200)
                #expect(try await waitUntil(directory, holds: []))
            }
        }
    }
}
