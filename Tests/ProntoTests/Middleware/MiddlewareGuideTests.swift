import Foundation
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Middleware guide")
struct MiddlewareGuideTests {
    @Test("the guide shows the inline middleware example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample("Sources/Pronto/Pronto.docc/UsingMiddleware.md", from: "Tests/ProntoTests/Middleware/MiddlewareGuideExample.swift", marker: "GUIDE EXAMPLE")
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
