import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

/// Graceful shutdown, connection by connection, on the in-process clock: what reached the
/// server, or reaches it while it stops, is answered; the last response says close.
@Suite("Graceful shutdown of a connection")
struct ShutdownTests {
    func configuration(linger: TimeAmount = .seconds(1)) -> ServerConfiguration {
        var configuration = quietConfiguration()
        configuration.shutdownLinger = linger
        return configuration
    }

    @Test("a request sent 0.3 s after the shutdown began is answered, with Connection: close")
    func requestDuringLinger() async throws {
        try await withTestServer(.inProcess, configuration: configuration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            #expect(try await connection.get("/plaintext").header("connection") == nil)
            await connection.beginShutdown()
            await connection.advanceTime(by: .milliseconds(300))
            #expect(!(await connection.isClosedByServer))
            let response = try await connection.get("/plaintext")
            #expect(response.status == 200)
            #expect(response.header("connection") == "close")
            _ = try await connection.waitForClose()
        }
    }

    @Test("an idle connection closes when the linger ends, not before")
    func idleClosesAfterLinger() async throws {
        try await withTestServer(.inProcess, configuration: configuration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            _ = try await connection.get("/plaintext")
            await connection.beginShutdown()
            await connection.advanceTime(by: .milliseconds(990))
            #expect(!(await connection.isClosedByServer))
            await connection.advanceTime(by: .milliseconds(20))
            #expect(try await connection.waitForClose().isEmpty)
        }
    }

    @Test("without a linger an idle connection closes at once")
    func noLinger() async throws {
        try await withTestServer(.inProcess, configuration: configuration(linger: .zero), handler: testHandler()) { server in
            let connection = try await server.connect()
            _ = try await connection.get("/plaintext")
            await connection.beginShutdown()
            #expect(await connection.isClosedByServer)
        }
    }

    @Test("a head half-received when the shutdown began is finished and answered")
    func halfReceivedHead() async throws {
        try await withTestServer(.inProcess, configuration: configuration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send("GET /plaintext HTTP/1.1\r\nHo")
            await connection.beginShutdown()
            await connection.advanceTime(by: .milliseconds(1_500))  // past the linger: a head in progress is not idle
            #expect(!(await connection.isClosedByServer))
            try await connection.send("st: t\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.status == 200)
            #expect(response.header("connection") == "close")
            _ = try await connection.waitForClose()
        }
    }

    @Test("requests received before the shutdown are all answered, even those not yet parsed; only the last says close")
    func bufferedRequests() async throws {
        let gate = Gate()
        // One request in flight at a time: the two behind the gated one wait unparsed in the input.
        var configuration = configuration()
        configuration.maxPipelinedRequests = 1
        try await withTestServer(.inProcess, configuration: configuration, handler: testHandler(gates: ["g": gate])) { server in
            let connection = try await server.connect()
            try await connection.send(
                "GET /async/g HTTP/1.1\r\nHost: t\r\n\r\n" + String(repeating: "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n", count: 2))
            await connection.beginShutdown()
            gate.open()
            await connection.runPendingWork()
            var closes: [String?] = []
            for _ in 0..<3 { closes.append(try await connection.readResponse().header("connection")) }
            #expect(closes == [nil, nil, "close"])
            _ = try await connection.waitForClose()
        }
    }

    @Test("a body arriving when the shutdown began is finished, and its request answered with close")
    func bodyInProgress() async throws {
        try await withTestServer(.inProcess, configuration: configuration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhello")
            await connection.beginShutdown()
            await connection.advanceTime(by: .milliseconds(1_500))
            try await connection.send("world")
            let response = try await connection.readResponse()
            #expect(response.bodyString == "helloworld")
            #expect(response.header("connection") == "close")
            _ = try await connection.waitForClose()
        }
    }
}
