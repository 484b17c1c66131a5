import NIOCore
import Pronto
import ProntoCompression
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Responses the middleware leaves uncompressed")
struct SkipRuleTests {
    static let text = sampleText(4_000)

    static func app() throws -> App {
        try compressingApp { app in
            app.get("/text") { _ in text }
            app.get("/small") { _ in "short" }
            app.get("/png") { _ in Response(contentType: "image/png", body: .string(text)) }
            app.get("/encoded") { _ in
                Response(contentType: "text/plain", headers: ["Content-Encoding": "br"], body: .string(text))
            }
            app.get("/no-transform") { _ in
                Response(contentType: "text/plain", headers: ["Cache-Control": "public, no-transform"], body: .string(text))
            }
            app.get("/no-content") { _ in Response(status: .noContent, contentType: "text/plain") }
            app.get("/not-modified") { _ in Response(status: .notModified, contentType: "text/plain") }
            app.get("/partial") { _ in
                Response(status: .partialContent, contentType: "text/plain", headers: ["Content-Range": "bytes 0-3999/8000"], body: .string(text))
            }
            app.get("/varies") { _ in Response(contentType: "text/plain", headers: ["Vary": "Origin, accept-encoding"], body: .string(text)) }
            app.get("/empty") { _ in Response(contentType: "text/plain") }
        }
    }

    /// Expects `response` to be sent as the handler made it: no coding, the body as is.
    private func expectUncompressed(_ response: TestResponse, body: String? = text, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.header("Content-Encoding") == nil, sourceLocation: sourceLocation)
        if let body { #expect(response.bodyString == body, sourceLocation: sourceLocation) }
    }

    @Test("without Accept-Encoding, or with codings it lacks, the body is sent as is, with Vary", arguments: TestMode.allCases)
    func notAccepted(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            for headers in [[], [("Accept-Encoding", "")], [("Accept-Encoding", "br, zstd")], [("Accept-Encoding", "gzip;q=0")]] {
                let response = try await client.get("/text", headers: headers)
                expectUncompressed(response)
                #expect(response.header("Content-Length") == String(Self.text.utf8.count))
                #expect(response.header("Vary") == "Accept-Encoding")  // a cache must tell the two apart
            }
        }
    }

    @Test("a body under the minimum size is sent as is, with Vary")
    func tooSmall() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/small", headers: acceptGzip)
            expectUncompressed(response, body: "short")
            #expect(response.header("Vary") == "Accept-Encoding")
        }
    }

    @Test("a client that refuses identity gets even a small body compressed")
    func identityRefused() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/small", headers: [("Accept-Encoding", "gzip, identity;q=0")])
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(try decode(response.body, .gzip) == Array("short".utf8))
        }
    }

    @Test("a type not in the list is sent as is, without Vary")
    func notListed() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/png", headers: acceptGzip)
            expectUncompressed(response)
            #expect(response.header("Vary") == nil)
        }
    }

    @Test("a response with a Content-Encoding is left as its handler made it")
    func alreadyEncoded() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/encoded", headers: acceptGzip)
            #expect(response.headers(named: "Content-Encoding") == ["br"])
            #expect(response.bodyString == Self.text)
            #expect(response.header("Vary") == nil)
        }
    }

    @Test("Cache-Control: no-transform is respected")
    func noTransform() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            expectUncompressed(try await client.get("/no-transform", headers: acceptGzip))
        }
    }

    @Test("HEAD gets no coding (its GET would); 204 and 304 have no body; 206 is a range of the uncoded bytes")
    func noBodyOrRange() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let head = try await client.head("/text", headers: acceptGzip)
            #expect(head.status == 200)
            #expect(head.header("Content-Encoding") == nil)
            #expect(head.header("Vary") == "Accept-Encoding")
            for path in ["/no-content", "/not-modified"] {
                let response = try await client.get(path, headers: acceptGzip)
                expectUncompressed(response, body: "")
                #expect(response.header("Vary") == "Accept-Encoding")  // RFC 9110 §15.4.5: as a 200 would
            }
            let partial = try await client.get("/partial", headers: acceptGzip)
            #expect(partial.status == 206)
            expectUncompressed(partial)
            // An empty body has nothing to compress.
            expectUncompressed(try await client.get("/empty", headers: acceptGzip), body: "")
        }
    }

    @Test("a Vary that names Accept-Encoding already is not repeated")
    func varyOnce() async throws {
        try await Self.app().test(.inProcess) { client async throws in
            let response = try await client.get("/varies", headers: acceptGzip)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(response.headers(named: "Vary") == ["Origin, accept-encoding"])
        }
    }

    @Test("a custom list and threshold replace the defaults")
    func customSettings() async throws {
        let app = try compressingApp(try CompressionMiddleware(minimumSize: 0, contentTypes: ["application/x-custom"])) { app in
            app.get("/custom") { _ in Response(contentType: "application/x-custom", body: .string("tiny")) }
            app.get("/text") { _ in Self.text }
        }
        try await app.test(.inProcess) { client async throws in
            let custom = try await client.get("/custom", headers: acceptGzip)
            #expect(custom.header("Content-Encoding") == "gzip")
            #expect(try decode(custom.body, .gzip) == Array("tiny".utf8))
            let text = try await client.get("/text", headers: acceptGzip)
            expectUncompressed(text)
            #expect(text.header("Vary") == nil)
        }
    }
}
