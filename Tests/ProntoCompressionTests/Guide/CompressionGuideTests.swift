import ProntoCompression
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Compression guide")
struct CompressionGuideTests {
    @Test("the guide shows the example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample(
            "Sources/ProntoCompression/ProntoCompression.docc/Compression.md",
            from: "Tests/ProntoCompressionTests/Guide/CompressionGuideExample.swift", marker: "GUIDE EXAMPLE")
    }

    @Test("the guide's example compresses the report and the ticks for a client that accepts gzip", arguments: TestMode.allCases)
    func guideExampleRuns(mode: TestMode) async throws {
        try await makeCompressingApp().test(mode) { client async throws in
            let report = try await client.get("/report", headers: [("Accept-Encoding", "gzip, deflate, br")])
            #expect(report.header("Content-Encoding") == "gzip")
            #expect(report.header("Vary") == "Accept-Encoding")
            #expect(try decode(report.body, .gzip) == Array(String(repeating: "one line of a long report\n", count: 100).utf8))
            let plain = try await client.get("/report")
            #expect(plain.header("Content-Encoding") == nil)
            #expect(plain.body.count == 2600)
            let ticks = try await client.get("/ticks", headers: [("Accept-Encoding", "gzip")])
            #expect(ticks.header("Content-Encoding") == "gzip")
            #expect(try ticks.chunks.count == 4)  // one per write, then the end of the gzip stream
            #expect(try decode(ticks.body, .gzip) == Array("data: tick 1\n\ndata: tick 2\n\ndata: tick 3\n\n".utf8))
        }
    }
}
