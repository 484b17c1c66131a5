import Foundation
import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("README")
struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the README shows the framework example exactly as tested")
    func readmeMatchesTestedAppCode() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: Self.root.appendingPathComponent("Tests/ProntoTests/Readme/ReadmeAppExample.swift"), encoding: .utf8)
        let example = try #require(source.components(separatedBy: "// BEGIN README APP EXAMPLE\n").last?.components(separatedBy: "// END README APP EXAMPLE").first)
        #expect(readme.contains("```swift\n" + example + "```"), "README.md must show Tests/ProntoTests/Readme/ReadmeAppExample.swift's example verbatim")
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
        }
    }
}
