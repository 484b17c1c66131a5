import Foundation
import NIOCore
import Pronto
import ProntoCompression
import ProntoTestSupport
import ProntoTesting
import Testing

private struct Record: Codable, Sendable, ResponseEncodable {
    var id: Int
    var text: String
}

/// A body writer that knows its length, as an engine-level writer may.
private struct KnownLengthWriter: ResponseBodyWriter {
    let text: String
    var contentLength: Int? { text.utf8.count }
    func write(into buffer: inout ByteBuffer) { buffer.writeString(text) }
}

private func runsInTask() -> Bool { withUnsafeCurrentTask { $0 != nil } }

@Suite("Compression of in-memory bodies")
struct CompressionTests {
    static let text = sampleText(8_000)

    static func app() throws -> App {
        try compressingApp { app in
            app.get("/text") { _ in text }
            app.get("/bytes") { _ in Response(contentType: "text/html", body: .bytes(ByteBuffer(string: text))) }
            app.get("/json") { _ in Record(id: 1, text: text) }
            app.get("/writer") { _ in Response(contentType: "text/plain", body: .writer(KnownLengthWriter(text: text))) }
            app.get("/sync") { _ in "in task: \(runsInTask()) " + text }
            app.get("/async") { _ async in text }
            app.get("/tagged") { _ in
                Response(contentType: "text/plain", headers: ["ETag": #""v1""#, "Accept-Ranges": "bytes"], body: .string(text))
            }
            app.get("/weak") { _ in Response(contentType: "text/plain", headers: ["ETag": #"W/"v1""#], body: .string(text)) }
        }
    }

    @Test("gzip: the body decodes to the original, Content-Length counts the compressed bytes", arguments: TestMode.allCases)
    func gzip(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            for path in ["/text", "/bytes", "/writer", "/async"] {
                let response = try await client.get(path, headers: acceptGzip)
                #expect(response.status == 200)
                #expect(response.header("Content-Encoding") == "gzip", "\(path)")
                #expect(response.header("Vary") == "Accept-Encoding")
                #expect(response.header("Content-Length") == String(response.body.count))
                #expect(response.body.count < Self.text.utf8.count / 2)
                #expect(try decode(response.body, .gzip) == Array(Self.text.utf8), "\(path)")
            }
        }
    }

    @Test("deflate (zlib-wrapped, RFC 9110 §8.4.1.2) when the client prefers it")
    func deflate() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/text", headers: [("Accept-Encoding", "gzip;q=0.4, deflate")])
            #expect(response.header("Content-Encoding") == "deflate")
            #expect(response.body.prefix(1) == [0x78])  // a zlib header, not raw deflate
            #expect(try decode(response.body, .deflate) == Array(Self.text.utf8))
        }
    }

    @Test("a JSON route's body (a writer encoding into the buffer) is compressed")
    func json() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/json", headers: acceptGzip)
            #expect(response.header("Content-Encoding") == "gzip")
            let decoded = try JSONDecoder().decode(Record.self, from: Data(try decode(response.body, .gzip)))
            #expect(decoded.id == 1 && decoded.text == Self.text)
        }
    }

    @Test("a 1 MiB JSON-like body round-trips and shrinks")
    func largeJSON() async throws {
        let json = sampleJSON(1 << 20)
        let app = try compressingApp { app in
            app.get("/big") { _ in Response(contentType: "application/json", body: .string(json)) }
        }
        try await app.test(.inProcess) { client async throws in
            let response = try await client.get("/big", headers: acceptGzip)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(response.body.count < json.utf8.count / 5)
            #expect(try decode(response.body, .gzip) == Array(json.utf8))
        }
    }

    @Test("a strong ETag becomes weak, Accept-Ranges goes (ranges of the compressed bytes are not served); a weak ETag stays")
    func validators() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let tagged = try await client.get("/tagged", headers: acceptGzip)
            #expect(tagged.header("Content-Encoding") == "gzip")
            #expect(tagged.header("ETag") == #"W/"v1""#)
            #expect(tagged.headers(named: "Content-Length") == [String(tagged.body.count)])
            #expect(tagged.header("Accept-Ranges") == nil)
            let weak = try await client.get("/weak", headers: acceptGzip)
            #expect(weak.header("ETag") == #"W/"v1""#)
            // Not compressed: the validator is the handler's.
            let plain = try await client.get("/tagged")
            #expect(plain.header("ETag") == #""v1""#)
        }
    }

    @Test("a sync route behind the middleware stays sync (it is an InlineMiddleware)")
    func staysSync() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/sync", headers: acceptGzip)
            #expect(String(decoding: try decode(response.body, .gzip), as: UTF8.self).hasPrefix("in task: false "))
        }
    }

    @Test("responses in a row, in both codings, reuse the thread's compressors and decode each time", arguments: TestMode.allCases)
    func reuse(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            var firstGzip: [UInt8]?
            for (index, coding) in [ContentCoding.gzip, .deflate, .gzip, .gzip, .deflate].enumerated() {
                let response = try await client.get(index % 2 == 0 ? "/text" : "/bytes", headers: [("Accept-Encoding", coding.name)])
                #expect(response.header("Content-Encoding") == coding.name)
                #expect(try decode(response.body, coding) == Array(Self.text.utf8))
                if coding == .gzip, index % 2 == 0 {
                    // A reset compressor produces the same bytes as a new one.
                    if let firstGzip { #expect(response.body == firstGzip) } else { firstGzip = response.body }
                }
            }
        }
    }

    @Test("a lower level costs bytes, not correctness")
    func levels() async throws {
        var sizes: [Int] = []
        for level in [CompressionLevel.fastest, .default, .best] {
            let app = try compressingApp(try CompressionMiddleware(level: level)) { app in
                app.get("/text") { _ in Self.text }
            }
            let size = try await app.test(.inProcess) { client async throws in
                let response = try await client.get("/text", headers: acceptGzip)
                #expect(try decode(response.body, .gzip) == Array(Self.text.utf8))
                return response.body.count
            }
            sizes.append(size)
        }
        #expect(sizes[0] >= sizes[1] && sizes[1] >= sizes[2], "\(sizes)")
    }
}
