import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("StaticFiles: guide")
struct StaticFilesGuideTests {
    @Test("the guide shows the example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample(
            "Sources/Pronto/Pronto.docc/StaticFiles.md", from: "Tests/ProntoTests/StaticFiles/StaticFilesGuideExample.swift",
            marker: "GUIDE EXAMPLE"
        )
    }

    @Test("the guide's example serves the directory with its Cache-Control")
    func guideExampleRuns() async throws {
        let fixture = try StaticFilesFixture()
        try await makeSiteApp(publicDirectory: fixture.root).test(.inProcess) { client async throws in
            let file = try await client.get("/assets/hello.txt")
            #expect(file.bodyString == StaticFilesFixture.hello)
            #expect(file.header("cache-control") == "public, max-age=3600")
            #expect(try await client.get("/assets/").bodyString == "<h1>home</h1>\n")
            #expect(try await client.get("/api/health").bodyString == "ok")
        }
    }
}
