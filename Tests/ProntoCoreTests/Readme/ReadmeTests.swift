import Foundation
import ProntoCore
import ProntoTestSupport
import Testing

@Suite("README: the engine alone")
struct ReadmeTests {

    @Test("the README shows the engine example exactly as tested")
    func readmeMatchesTestedCode() throws {
        try expectDocumentShowsExample("README.md", from: "Tests/ProntoCoreTests/Readme/ReadmeExample.swift", marker: "README EXAMPLE")
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
