import Foundation
import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("README")
struct ReadmeTests {

    @Test("the README shows the framework example exactly as tested")
    func readmeMatchesTestedAppCode() throws {
        try expectDocumentShowsExample("README.md", from: "Tests/ProntoTests/Readme/ReadmeAppExample.swift", marker: "README APP EXAMPLE")
    }

    @Test("the README framework example serves what it says", arguments: TestMode.allCases)
    func readmeAppExampleRuns(mode: TestMode) async throws {
        try await makeApp().test(mode) { client async throws in
            #expect(try await client.get("/hello/you").bodyString == #"{"message":"Hello you"}"#)
            #expect(try await client.get("/users/42").bodyString == "user 42")
            #expect(try await client.get("/users/abc").status == 400)
            #expect(try await client.get("/slow").bodyString == "done")
            let echo = try await client.post("/api/echo", body: "ping")
            #expect(echo.bodyString == "ping")
            #expect(echo.header("x-request-id") != nil)
            #expect(try await client.request("POST", "/upload", body: Array(repeating: 1, count: 2_000_000)).bodyString == "2000000 bytes")
            let ticks = try await client.get("/ticks")
            #expect(ticks.header("content-type") == "text/event-stream")
            #expect(ticks.bodyString == "data: tick 1\n\ndata: tick 2\n\ndata: tick 3\n\n")
        }
    }
}
