import Foundation
import NIOCore
import NIOPosix
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Server")
struct ServerTests {
    @Test("port 0 picks a free port and the server reports it")
    func ephemeralPort() async throws {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        let server = Server(configuration: configuration, handler: testHandler())
        try await server.start()
        let port = try #require(server.port)
        #expect(port > 0)
        await server.shutdown()
        #expect(server.localAddress == nil)
    }

    @Test("reusePort lets a second server listen on the same port; without it the bind fails")
    func reusePort() async throws {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        configuration.reusePort = true
        let first = Server(configuration: configuration, handler: testHandler())
        try await first.start()
        let port = try #require(first.port)
        configuration.target = .tcp(host: "127.0.0.1", port: port)

        let second = Server(configuration: configuration, handler: testHandler())
        try await second.start()
        #expect(second.port == port)
        // Both accept; connections keep being answered while either runs.
        for _ in 0..<4 {
            let response = try await RawClient.exchange(
                address: try SocketAddress(ipAddress: "127.0.0.1", port: port),
                request: "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            )
            #expect(response.hasSuffix("Hello, World!"))
        }
        await second.shutdown()

        configuration.reusePort = false
        let refused = Server(configuration: configuration, handler: testHandler())
        await #expect(throws: (any Error).self) { try await refused.start() }
        await refused.shutdown()
        await first.shutdown()
    }

    @Test("listens on a UNIX domain socket")
    func unixSocket() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-\(UUID().uuidString.prefix(8)).sock").path
        var configuration = quietConfiguration()
        configuration.target = .unixSocket(path: path)
        configuration.eventLoopThreads = 1
        let server = Server(configuration: configuration, handler: testHandler())
        try await server.start()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let response = try await RawClient.exchange(
            address: try SocketAddress(unixDomainSocketPath: path),
            request: "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.hasSuffix("\r\n\r\nHello, World!"))
        await server.shutdown()
    }

    @Test("graceful shutdown: in-flight requests are all answered, idle connections closed, new ones refused")
    func gracefulShutdown() async throws {
        let gate = Gate()
        let calls = Counter()
        var configuration = quietConfiguration()
        configuration.shutdownGracePeriod = .seconds(10)
        configuration.shutdownLinger = .milliseconds(100)
        try await withTestServer(.live, configuration: configuration, handler: testHandler(gates: ["g": gate], calls: calls)) { test in
            let server = try #require(test.server)
            let busy = try await test.connect()
            let idle = try await test.connect()
            #expect(try await idle.get("/plaintext").status == 200)
            try await busy.send(String(repeating: "GET /async/g HTTP/1.1\r\nHost: t\r\n\r\n", count: 3))
            // Wait until all three are in flight (bounded).
            try await calls.wait(until: 4)

            let shutdown = Task { await server.shutdown() }
            // The idle keep-alive connection is closed once the linger is over.
            _ = try await idle.waitForClose()
            #expect(server.localAddress == nil)
            // Nothing new is accepted.
            await #expect(throws: (any Error).self) { _ = try await test.connect() }

            gate.open()
            for index in 0..<3 {
                let response = try await busy.readResponse()
                #expect(response.bodyString == "async g")
                // The last response owed during shutdown says the connection closes.
                #expect(response.header("connection") == (index == 2 ? "close" : nil), "response \(index)")
            }
            _ = try await busy.waitForClose()
            await shutdown.value
            #expect(server.connectionCount == 0)
        }
    }

    @Test("graceful shutdown closes what is still open at the deadline")
    func shutdownDeadline() async throws {
        let gate = Gate()
        let calls = Counter()
        var configuration = quietConfiguration()
        configuration.shutdownGracePeriod = .milliseconds(100)
        try await withTestServer(.live, configuration: configuration, handler: testHandler(gates: ["never": gate], calls: calls)) { test in
            let server = try #require(test.server)
            let stuck = try await test.connect()
            try await stuck.send("GET /async/never HTTP/1.1\r\nHost: t\r\n\r\n")
            try await calls.wait(until: 1)
            await server.shutdown()
            _ = try await stuck.waitForClose()
            #expect(server.connectionCount == 0)
            gate.open()
        }
    }
}
