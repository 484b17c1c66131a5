import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

/// Slow and hostile clients through the whole connection, on the in-process clock: each is
/// closed within its deadline, with a 408 where an answer is still possible.
@Suite("Slow clients")
struct SlowClientTests {
    @Test("a body trickled in below the minimum rate gets 408 within its deadline, though it never pauses long")
    func slowBody() async throws {
        var configuration = quietConfiguration()
        configuration.minimumRequestBodyRate = MinimumDataRate(bytesPerSecond: 100, gracePeriod: .seconds(1))
        try await withTestServer(.inProcess, configuration: configuration, handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
            // 10 bytes every 0.5 s (20 B/s, far under 100): due at 1 s + bytes / 100 B/s.
            var sent = 0
            while !(await connection.isClosedByServer), sent < 40 {
                try await connection.send(String(repeating: "x", count: 10))
                sent += 1
                await connection.advanceTime(by: .milliseconds(500))
            }
            #expect(sent <= 3, "closed within the grace period plus what the bytes bought")
            let bytes = try await connection.waitForClose()
            #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 408 "))
        }
    }

    @Test("a body at the minimum rate is received whole")
    func bodyAtRate() async throws {
        var configuration = quietConfiguration()
        configuration.minimumRequestBodyRate = MinimumDataRate(bytesPerSecond: 100, gracePeriod: .seconds(1))
        try await withTestServer(.inProcess, configuration: configuration, handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n")
            for _ in 0..<10 {
                await connection.advanceTime(by: .milliseconds(500))
                try await connection.send(String(repeating: "y", count: 50))  // 100 B/s
            }
            let response = try await connection.readResponse()
            #expect(response.status == 200)
            #expect(response.body.count == 500)
        }
    }

    @Test("a client that stops reading is closed at the write timeout; one that reads again is not")
    func slowReader() async throws {
        var configuration = quietConfiguration()
        configuration.writeTimeout = .seconds(5)
        try await withTestServer(.inProcess, configuration: configuration, handler: testHandler()) { server in
            let reading = try await server.connect()
            #expect(try await reading.get("/plaintext").status == 200)
            await reading.setServerWritable(false)
            await reading.advanceTime(by: .seconds(4))
            await reading.setServerWritable(true)
            await reading.advanceTime(by: .seconds(4))
            #expect(!(await reading.isClosedByServer))
            #expect(try await reading.get("/plaintext").status == 200)

            let stalled = try await server.connect()
            #expect(try await stalled.get("/plaintext").status == 200)
            await stalled.setServerWritable(false)
            await stalled.advanceTime(by: .milliseconds(4_900))
            #expect(!(await stalled.isClosedByServer))
            await stalled.advanceTime(by: .milliseconds(200))
            #expect(await stalled.isClosedByServer)
        }
    }

    @Test("a lone CR on a fresh keep-alive wait starts the head timeout, not the idle one")
    func loneCR() async throws {
        var configuration = quietConfiguration()
        configuration.requestHeadTimeout = .seconds(2)
        configuration.idleTimeout = .seconds(60)
        try await withTestServer(.inProcess, configuration: configuration, handler: testHandler()) { server in
            let connection = try await server.connect()
            #expect(try await connection.get("/plaintext").status == 200)
            try await connection.send("\r")
            await connection.advanceTime(by: .milliseconds(2_100))
            let bytes = try await connection.waitForClose()
            #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 408 "))
        }
    }
}

extension SlowClientTests {
    @Test("the default rate (1 KiB/s after 10 s) closes a 10 B/s body just after 10 s, though each pause is shorter than the head timeout")
    func defaultRate() async throws {
        var configuration = quietConfiguration()
        configuration.requestHeadTimeout = .seconds(2)
        try await withTestServer(.inProcess, configuration: configuration, handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
            var elapsed = 0
            while !(await connection.isClosedByServer), elapsed < 150 {
                if elapsed % 10 == 0 { try await connection.send(String(repeating: "x", count: 10)) }
                await connection.advanceTime(by: .milliseconds(100))
                elapsed += 1
            }
            #expect(elapsed == 102, "closed at \(elapsed * 100) ms")
        }
    }
}
