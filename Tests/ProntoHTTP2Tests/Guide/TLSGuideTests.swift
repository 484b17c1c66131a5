import NIOSSL
import Pronto
import ProntoTestSupport
import Testing

@Suite("TLS and HTTP/2 guide")
struct TLSGuideTests {
    @Test("the guide shows the example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample(
            "Sources/Pronto/Pronto.docc/TLSAndHTTP2.md",
            from: "Tests/ProntoHTTP2Tests/Guide/TLSGuideExample.swift", marker: "GUIDE EXAMPLE")
    }

    @Test("the guide's example serves HTTP/2 over TLS")
    func guideExampleRuns() async throws {
        let certificate = try ThrowawayCertificate()
        defer { certificate.remove() }
        let app = try await makeSecureApp(certificate: certificate.certificatePath, key: certificate.keyPath, port: 0)
        let port = try #require(try await app.start().port)
        let client = try await H2FrameClient.connect(port: port, tls: try TLSTests.clientContext(alpn: ["h2", "http/1.1"]))
        #expect(try await client.negotiatedProtocol() == "h2")
        try await client.request(stream: 1, path: "/hello/tls")
        #expect(String(decoding: try await client.response(stream: 1).body, as: UTF8.self) == "Hello tls\n")
        await client.close()
        await app.shutdown()
    }
}
