import Foundation
import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("README")
struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the README shows the example code exactly as tested")
    func readmeMatchesTestedCode() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: Self.root.appendingPathComponent("Tests/ProntoTests/Readme/ReadmeExample.swift"), encoding: .utf8)
        let example = try #require(source.components(separatedBy: "// BEGIN README EXAMPLE\n").last?.components(separatedBy: "// END README EXAMPLE").first)
        #expect(readme.contains("```swift\n" + example + "```"), "README.md must show Tests/ProntoTests/Readme/ReadmeExample.swift's example verbatim")
    }

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

    @Test("the README example serves what it says")
    func readmeExampleRuns() async throws {
        let server = makeServer(port: 0)
        try await server.start()
        let address = try #require(server.localAddress)
        let hello = try await RawClient.exchange(address: address, request: "GET /hello?you HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(hello.hasSuffix("\r\n\r\nHello, you!"))
        let later = try await RawClient.exchange(
            address: address, request: "GET /later HTTP/1.1\r\nHost: t\r\nUser-Agent: test\r\nConnection: close\r\n\r\n")
        #expect(later.hasSuffix("\r\n\r\nlater, test"))
        let missing = try await RawClient.exchange(address: address, request: "GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        await server.shutdown()
    }
}
