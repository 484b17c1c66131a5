import Logging
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Connection lifecycle")
struct ConnectionLifecycleTests {
    @Test("HTTP/1.1 with Connection: close gets Connection: close and the connection closes", arguments: bothModes)
    func http11Close(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send(
                "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.header("connection") == "close")
            // The request after `close` is not answered.
            #expect(try await connection.waitForClose().isEmpty)
        }
    }

    @Test("HTTP/1.0 closes by default and stays open with keep-alive", arguments: bothModes)
    func http10(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let persistent = try await server.connect()
            let first = try await persistent.request("GET", "/plaintext", headers: [("Connection", "keep-alive")], version: "HTTP/1.0")
            #expect(first.header("connection") == "keep-alive")
            #expect(first.version == "HTTP/1.1")
            #expect(try await persistent.request("GET", "/plaintext", headers: [("Connection", "keep-alive")], version: "HTTP/1.0").status == 200)

            let oneShot = try await server.connect()
            let response = try await oneShot.request("GET", "/plaintext", version: "HTTP/1.0")
            #expect(response.header("connection") == "close")
            _ = try await oneShot.waitForClose()
        }
    }

    @Test("Expect: 100-continue is answered before the body is sent", arguments: bothModes)
    func expectContinue(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try await connection.readResponse()
            #expect(interim.status == 100)
            try await connection.send("data")
            let final = try await connection.readResponse()
            #expect(final.status == 200)
            #expect(final.bodyString == "data")
        }
    }

    @Test("Expect: 100-continue with a body over the limit gets 413 at once", arguments: bothModes)
    func expectContinueTooLarge(mode: TestMode) async throws {
        var configuration = quietConfiguration()
        configuration.limits = HTTPLimits(maxBodySize: 10)
        try await withTestServer(mode, configuration: configuration, handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.status == 413)
            #expect(response.bodyString.contains("10 bytes"))
            _ = try await connection.waitForClose()
        }
    }

    @Test("a keep-alive connection idle past the timeout is closed", arguments: bothModes)
    func idleTimeout(mode: TestMode) async throws {
        var configuration = quietConfiguration()
        configuration.idleTimeout = shortTimeout(mode)
        try await withTestServer(mode, configuration: configuration, handler: testHandler()) { server in
            // Sent as the socket connects: a silent connection is closed after the (short)
            // idle timeout too, and the test's task may resume late on a busy machine.
            let connection = try await server.connect(sending: "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n")
            await connection.setTimeout(15)
            #expect(try await connection.readResponse().status == 200)
            // Not closed before the timeout (on the virtual clock; a live one may be past it).
            if mode == .inProcess { #expect(await connection.isClosedByServer == false) }
            await connection.advanceTime(by: shortTimeout(mode) + .milliseconds(50))
            #expect(try await connection.waitForClose().isEmpty)
        }
    }

    @Test("a connection that sends nothing, or only blank lines, is closed after the request head timeout, not the idle one", arguments: bothModes)
    func nothingSent(mode: TestMode) async throws {
        var configuration = quietConfiguration()
        configuration.requestHeadTimeout = shortTimeout(mode)
        configuration.idleTimeout = .seconds(60)
        try await withTestServer(mode, configuration: configuration, handler: testHandler()) { server in
            for opening in ["", "\r", "\r\n"] {
                let connection = try await server.connect(sending: opening)
                await connection.setTimeout(15)
                await connection.advanceTime(by: shortTimeout(mode) + .milliseconds(50))
                // Closed in time: silently when nothing was sent, else with a 408 at most.
                let received = String(decoding: try await connection.waitForClose(), as: UTF8.self)
                #expect(received.isEmpty || received.hasPrefix("HTTP/1.1 408"), "opening \(opening.debugDescription): \(received)")
                if opening.isEmpty { #expect(received.isEmpty) }
            }
        }
    }

    @Test("a request head not completed in time gets 408 and the connection closes (slowloris)", arguments: bothModes)
    func headTimeout(mode: TestMode) async throws {
        var configuration = quietConfiguration()
        configuration.requestHeadTimeout = shortTimeout(mode)
        try await withTestServer(mode, configuration: configuration, handler: testHandler()) { server in
            let connection = try await server.connect(sending: "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            await connection.setTimeout(15)
            await connection.advanceTime(by: shortTimeout(mode) + .milliseconds(50))
            let response = try await connection.readResponse()
            #expect(response.status == 408)
            _ = try await connection.waitForClose()
        }
    }

    @Test("a body not completed in time gets 408", arguments: bothModes)
    func bodyTimeout(mode: TestMode) async throws {
        var configuration = quietConfiguration()
        configuration.requestHeadTimeout = shortTimeout(mode)
        try await withTestServer(mode, configuration: configuration, handler: testHandler()) { server in
            // Sent as the socket connects (the head timeout counts from there), and waited
            // for with room: on a loaded machine the test's task resumes late.
            let connection = try await server.connect(sending: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part")
            await connection.setTimeout(15)
            await connection.advanceTime(by: shortTimeout(mode) + .milliseconds(50))
            #expect(try await connection.readResponse().status == 408)
            _ = try await connection.waitForClose()
        }
    }

    @Test("a slow async handler is not timed out as an idle client")
    func busyIsNotIdle() async throws {
        var configuration = quietConfiguration()
        configuration.idleTimeout = .milliseconds(100)
        let gate = Gate()
        try await withTestServer(.inProcess, configuration: configuration, handler: testHandler(gates: ["g": gate])) { server in
            let connection = try await server.connect()
            try await connection.send("GET /async/g HTTP/1.1\r\nHost: t\r\n\r\n")
            await connection.advanceTime(by: .milliseconds(350))
            #expect(await connection.isClosedByServer == false)
            gate.open()
            #expect(try await connection.readResponse().bodyString == "async g")
        }
    }
}
