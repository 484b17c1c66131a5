import Foundation
import NIOCore
import ProntoCore
import ProntoTestSupport
import Testing

@Suite("Starting once")
struct StartOnceTests {
    static func liveConfiguration() -> ServerConfiguration {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        return configuration
    }

    @Test("a second Server.start() throws alreadyStarted before binding: the first socket keeps serving")
    func serverStartsOnce() async throws {
        // On a UNIX socket a second bind would replace the first server's socket file,
        // so the first server answering at its path shows the second start bound nothing.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-\(UUID().uuidString.prefix(8)).sock").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = quietConfiguration()
        configuration.target = .unixSocket(path: path)
        configuration.eventLoopThreads = 1
        let server = Server(configuration: configuration, handler: testHandler())
        try await server.start()
        await #expect(throws: ServerError.alreadyStarted) { try await server.start() }
        let response = try await RawClient.exchange(
            address: try SocketAddress(unixDomainSocketPath: path),
            request: "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        #expect(response.hasSuffix("Hello, World!"))
        await server.shutdown()
        // Nor does a stopped server start again.
        await #expect(throws: ServerError.alreadyStarted) { try await server.start() }
        #expect("\(ServerError.alreadyStarted)".contains("create a new Server"))
    }

    @Test("a shutdown racing a start leaves the server stopped, whichever comes first")
    func shutdownDuringStart() async throws {
        let server = Server(configuration: Self.liveConfiguration(), handler: testHandler())
        async let started: Void = server.start()
        await server.shutdown()
        do {
            try await started
        } catch let error as ServerError {
            // The shutdown came first: the server stopped before it was started.
            #expect(error == .alreadyStarted)
        }
        #expect(server.localAddress == nil)
        await server.waitUntilStopped()
    }

    @Test("a failed bind leaves the server as it was, so it can be started again")
    func failedBind() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = quietConfiguration()
        configuration.target = .unixSocket(path: directory.appendingPathComponent("s.sock").path)
        configuration.eventLoopThreads = 1
        let server = Server(configuration: configuration, handler: testHandler())
        // The directory does not exist yet: the bind fails.
        await #expect(throws: (any Error).self) { try await server.start() }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        try await server.start()
        #expect(server.localAddress != nil)
        await server.shutdown()
    }
}
