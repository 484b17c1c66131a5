import Foundation
import Pronto
import ProntoTesting
import Testing

@Suite("Middleware guide")
struct MiddlewareGuideTests {
    @Test("the guide shows the inline middleware example exactly as tested")
    func guideMatchesTestedCode() throws {
        let guide = try String(contentsOf: ReadmeTests.root.appendingPathComponent("Sources/Pronto/Pronto.docc/Middleware.md"), encoding: .utf8)
        let source = try String(contentsOf: ReadmeTests.root.appendingPathComponent("Tests/ProntoTests/Middleware/MiddlewareGuideExample.swift"), encoding: .utf8)
        let example = try #require(source.components(separatedBy: "// BEGIN GUIDE EXAMPLE\n").last?.components(separatedBy: "// END GUIDE EXAMPLE").first)
        #expect(guide.contains("```swift\n" + example + "```"), "Middleware.md must show Tests/ProntoTests/Middleware/MiddlewareGuideExample.swift's example verbatim")
    }

    @Test("the guide's example answers 401 without a key and names the owner with one", arguments: TestMode.allCases)
    func guideExampleRuns(mode: TestMode) async throws {
        try await makeGuardedApp().test(mode) { client async throws in
            let refused = try await client.get("/report")
            #expect(refused.status == 401)
            #expect(refused.bodyString == "missing or unknown API key\n")
            #expect(try await client.get("/report", headers: [("X-API-Key", "nope")]).status == 401)
            let served = try await client.get("/report", headers: [("X-API-Key", "k1")])
            #expect(served.bodyString == "the report")
            #expect(served.header("x-api-owner") == "alice")
        }
    }
}
