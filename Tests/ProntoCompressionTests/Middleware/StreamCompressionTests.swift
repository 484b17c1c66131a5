import Foundation
import NIOCore
import Pronto
import ProntoCompression
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Compression of streamed and file bodies")
struct StreamCompressionTests {
    /// Server-sent events, each long enough to be worth compressing.
    static let events = (0..<5).map { "event: tick\ndata: \(sampleText(300 + $0 * 50))\n\n" }

    static func app(_ middleware: CompressionMiddleware? = nil, file: String? = nil) throws -> App {
        try compressingApp(middleware) { app in
            app.get("/events") { _ in
                Response(contentType: "text/event-stream", body: .stream(ResponseBodyStream { writer in
                    for event in events { try await writer.write(event) }
                }))
            }
            app.get("/finishing") { _ in
                Response(contentType: "text/plain", body: .stream(ResponseBodyStream { writer in
                    try await writer.write(events[0])
                    try await writer.write(ByteBuffer())  // an empty write sends nothing
                    try await writer.finish(trailers: ["X-Checksum": "abc"])
                    do {
                        try await writer.write("late")
                        Issue.record("a write after finish must throw")
                    } catch let error as ResponseStreamError {
                        #expect(error == .alreadyFinished)
                    }
                }))
            }
            app.get("/failing") { _ in
                Response(contentType: "text/plain", body: .stream(ResponseBodyStream { _ in throw CancellationError() }))
            }
            app.get("/short-stream") { _ in
                Response(contentType: "text/plain", body: .stream(ResponseBodyStream(contentLength: 5) { writer in
                    try await writer.write("short")
                }))
            }
            if let file {
                app.get("/file") { _ in Response(contentType: "text/plain", body: .file(try FileBody(path: file))) }
                app.get("/file-part") { _ in
                    Response(contentType: "text/plain", body: .file(try FileBody(path: file, offset: 1000, length: 3000)))
                }
            }
        }
    }

    @Test("a stream is compressed write by write: each chunk decodes to its write when it arrives", arguments: TestMode.allCases)
    func streamed(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let response = try await client.get("/events", headers: acceptGzip)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.header("Content-Length") == nil)
            #expect(response.header("Vary") == "Accept-Encoding")
            // One chunk per write (sync-flushed), then the end of the gzip stream.
            let chunks = try response.chunks
            try #require(chunks.count == Self.events.count + 1)
            let decoder = try StreamDecoder(.gzip)
            for (chunk, event) in zip(chunks, Self.events) {
                #expect(try decoder.decode(chunk) == Array(event.utf8))
            }
            #expect(try decoder.decode(chunks.last!) == [])
            #expect(try decode(response.body, .gzip) == Array(Self.events.joined().utf8))
        }
    }

    @Test("deflate streams too")
    func streamedDeflate() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/events", headers: [("Accept-Encoding", "deflate")])
            #expect(response.header("Content-Encoding") == "deflate")
            #expect(try decode(response.body, .deflate) == Array(Self.events.joined().utf8))
        }
    }

    @Test("a stream that finishes itself ends the compressed body there, trailers kept; later writes throw")
    func finishedByTheStream() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/finishing", headers: acceptGzip)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(try decode(response.body, .gzip) == Array(Self.events[0].utf8))
            #expect(String(decoding: response.raw, as: UTF8.self).hasSuffix("0\r\nX-Checksum: abc\r\n\r\n"))
        }
    }

    @Test("a compressed stream that throws before writing is a 500, as an uncompressed one")
    func failsEarly() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/failing", headers: acceptGzip)
            #expect(response.status == 500)
            #expect(response.header("Content-Encoding") == nil)
        }
    }

    @Test("a stream that declares a length under the minimum is sent as is")
    func shortStream() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/short-stream", headers: acceptGzip)
            #expect(response.header("Content-Encoding") == nil)
            #expect(response.header("Content-Length") == "5")
            #expect(response.bodyString == "short")
        }
    }

    static func makeFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-compress-\(UUID().uuidString).txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a file is read and compressed in pieces; a range of it too", arguments: TestMode.allCases)
    func file(mode: TestMode) async throws {
        let text = sampleText(300_000)  // several 64 KiB pieces
        let path = try Self.makeFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await Self.app(file: path).test(mode) { client async throws in
            let response = try await client.get("/file", headers: acceptGzip)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.body.count < text.utf8.count / 3)
            #expect(try decode(response.body, .gzip) == Array(text.utf8))
            let part = try await client.get("/file-part", headers: acceptGzip)
            #expect(try decode(part.body, .gzip) == Array(text.utf8.dropFirst(1000).prefix(3000)))
        }
    }

    @Test("a file over maximumFileSize is sent as is (sendfile), with its length")
    func largeFile() async throws {
        let text = sampleText(100_000)
        let path = try Self.makeFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await Self.app(try CompressionMiddleware(maximumFileSize: 50_000), file: path).test(.inProcess) { client async throws in
            let response = try await client.get("/file", headers: acceptGzip)
            #expect(response.header("Content-Encoding") == nil)
            #expect(response.header("Content-Length") == "100000")
            #expect(response.header("Vary") == "Accept-Encoding")
            #expect(response.bodyString == text)
        }
    }
}
