import Foundation
import ProntoCore
import ProntoTestSupport
import Testing

@Suite("README: the engine alone")
struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the README shows the engine example exactly as tested")
    func readmeMatchesTestedCode() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: Self.root.appendingPathComponent("Tests/ProntoCoreTests/Readme/ReadmeExample.swift"), encoding: .utf8)
        let example = try #require(source.components(separatedBy: "// BEGIN README EXAMPLE\n").last?.components(separatedBy: "// END README EXAMPLE").first)
        #expect(readme.contains("```swift\n" + example + "```"), "README.md must show Tests/ProntoCoreTests/Readme/ReadmeExample.swift's example verbatim")
    }

    @Test("the README engine example serves what it says")
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
