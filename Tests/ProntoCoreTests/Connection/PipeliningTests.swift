import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Pipelining")
struct PipeliningTests {
    @Test("16 pipelined requests in one read: 16 responses in order, in one write")
    func oneWritePerBatch() async throws {
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            var batch = ""
            for i in 0..<16 {
                batch += i % 2 == 0
                    ? "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"
                    : "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n\(String(format: "%02d", i))"
            }
            try await connection.send(batch)
            for i in 0..<16 {
                let response = try await connection.readResponse()
                #expect(response.bodyString == (i % 2 == 0 ? "Hello, World!" : String(format: "%02d", i)))
            }
            #expect(await connection.serverWrites == 1)
        }
    }

    @Test("responses stay in request order when async handlers finish out of order", arguments: bothModes)
    func outOfOrderCompletion(mode: TestMode) async throws {
        let gates = ["a": Gate(), "b": Gate(), "c": Gate()]
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler(gates: gates)) { server in
            let connection = try await server.connect()
            try await connection.send(
                "GET /async/a HTTP/1.1\r\nHost: t\r\n\r\n" + "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /async/b HTTP/1.1\r\nHost: t\r\n\r\n" + "GET /async/c HTTP/1.1\r\nHost: t\r\n\r\n")
            // Finish in reverse order: c, b, then a.
            gates["c"]!.open()
            gates["b"]!.open()
            gates["a"]!.open()
            #expect(try await connection.readResponse().bodyString == "async a")
            #expect(try await connection.readResponse().bodyString == "Hello, World!")
            #expect(try await connection.readResponse().bodyString == "async b")
            #expect(try await connection.readResponse().bodyString == "async c")
        }
    }

    @Test("pipelined requests split at every byte are all answered in order")
    func splitEverywhere() async throws {
        let batch = Array(("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz").utf8)
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: testHandler()) { server in
            for split in 1..<batch.count {
                let connection = try await server.connect()
                try await connection.send(Array(batch[..<split]))
                try await connection.send(Array(batch[split...]))
                #expect(try await connection.readResponse().bodyString == "Hello, World!", "split at \(split)")
                #expect(try await connection.readResponse().bodyString == "ok", "split at \(split)")
                #expect(try await connection.readResponse().bodyString == "xyz", "split at \(split)")
                await connection.close()
            }
        }
    }

    @Test("stops taking requests while too many are in flight, resumes when they finish", arguments: bothModes)
    func backpressure(mode: TestMode) async throws {
        let gate = Gate()
        let calls = Counter()
        var configuration = quietConfiguration()
        configuration.maxPipelinedRequests = 2
        try await withTestServer(mode, configuration: configuration, handler: testHandler(gates: ["g": gate], calls: calls)) { server in
            let connection = try await server.connect()
            try await connection.send(String(repeating: "GET /async/g HTTP/1.1\r\nHost: t\r\n\r\n", count: 6))
            // Nothing can complete before the gate opens; the engine must hold at 2 in flight.
            await #expect(throws: TestClientError.self) {
                await connection.setTimeout(0.2)
                _ = try await connection.readResponse()
            }
            #expect(calls.count == 2)
            await connection.setTimeout(5)
            gate.open()
            for _ in 0..<6 { #expect(try await connection.readResponse().bodyString == "async g") }
            #expect(calls.count == 6)
        }
    }
}

extension PipeliningTests {
    @Test("an async handler still awaiting does not hold back the async handlers pipelined behind it", arguments: bothModes)
    func asyncConcurrency(mode: TestMode) async throws {
        let gate = Gate()
        let marks = EventLog()
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler(gates: ["slow": gate], marks: marks)) { server in
            let connection = try await server.connect()
            try await connection.send("GET /async/slow HTTP/1.1\r\nHost: t\r\n\r\nGET /mark/b HTTP/1.1\r\nHost: t\r\n\r\n")
            // /mark/b runs while /async/slow waits for its gate (bounded wait, no sleep).
            try await marks.wait(for: "b", connection: connection)
            gate.open()
            #expect(try await connection.readResponse().bodyString == "async slow")
            #expect(try await connection.readResponse().bodyString == "marked b")
        }
    }

    @Test("stops taking requests while the socket is not writable, resumes when it is")
    func writabilityBackpressure() async throws {
        let calls = Counter()
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: testHandler(calls: calls)) { server in
            let connection = try await server.connect()
            await connection.setServerWritable(false)
            try await connection.send(String(repeating: "GET /big HTTP/1.1\r\nHost: t\r\n\r\n", count: 4))
            // The first response passes the high-water mark and is written early; the
            // socket is not writable, so the other three wait in the input buffer.
            #expect(calls.count == 1)
            #expect(try await connection.readResponse().body.count == 300_000)
            await connection.setServerWritable(true)
            for _ in 0..<3 { #expect(try await connection.readResponse().body.count == 300_000) }
            #expect(calls.count == 4)
        }
    }
}

extension PipeliningTests {
    /// One read of async requests that do not suspend is answered by one worker taking the
    /// requests from the input itself; these check the hand-back to the read callback at
    /// every point: a sync request, a body, an error, a suspension, a gate still closed.
    @Test("a batch mixing async, sync, suspending, failing and body-carrying requests: every answer in order", arguments: bothModes)
    func mixedAsyncBatch(mode: TestMode) async throws {
        let gate = Gate()
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler(gates: ["late": gate])) { server in
            let connection = try await server.connect()
            var batch = ""
            var expected: [String] = []
            for i in 0..<40 {
                switch i % 8 {
                case 0, 1:
                    batch += "GET /async/n\(i) HTTP/1.1\r\nHost: t\r\n\r\n"
                    expected.append("async n\(i)")
                case 2:
                    batch += "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"
                    expected.append("Hello, World!")
                case 3:
                    batch += "GET /async-yield?\(i) HTTP/1.1\r\nHost: t\r\n\r\n"
                    expected.append("yielded \(i)")
                case 4:
                    batch += "POST /async-echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\n\(String(format: "%03d", i))"
                    expected.append(String(format: "%03d", i))
                case 5:
                    batch += "POST /async-echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n\(String(format: "%02d", i))\r\n0\r\n\r\n"
                    expected.append(String(format: "%02d", i))
                case 6:
                    batch += "GET /async-throw HTTP/1.1\r\nHost: t\r\n\r\n"
                    expected.append("Internal Server Error\n")
                default:
                    // One request waits for the gate; the ones behind it go on meanwhile.
                    let path = i == 15 ? "/async/late" : "/async/n\(i)"
                    batch += "GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n"
                    expected.append(i == 15 ? "async late" : "async n\(i)")
                }
            }
            try await connection.send(batch)
            // Everything before the gated request arrives without it.
            for i in 0..<15 {
                #expect(try await connection.readResponse().bodyString == expected[i], "response \(i)")
            }
            gate.open()
            for i in 15..<40 {
                #expect(try await connection.readResponse().bodyString == expected[i], "response \(i)")
            }
            // Nothing more: each request answered once.
            try await connection.send("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(try await connection.readResponse().bodyString == "Hello, World!")
        }
    }

    @Test("16 pipelined async requests that do not suspend: 16 responses in order, in one write")
    func asyncBatchOneWrite() async throws {
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send((0..<16).map { "GET /async/n\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
            for i in 0..<16 {
                #expect(try await connection.readResponse().bodyString == "async n\(i)")
            }
            #expect(await connection.serverWrites == 1)
        }
    }
}
