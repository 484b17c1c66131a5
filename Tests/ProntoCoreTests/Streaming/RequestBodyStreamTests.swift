import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Streamed request bodies")
struct RequestBodyStreamTests {
    /// Streams the bodies of `/stream*` (up to `maxSize`), collects the others.
    static func handler(maxSize: Int? = nil, gate: Gate? = nil, received: Counter = Counter(), marks: EventLog = EventLog()) -> HTTPHandler {
        HTTPHandler(bodyPolicy: { request in
            request.path.hasPrefix("/stream") ? .stream(maxSize: maxSize) : .collect
        }) { request in
            if request.path == "/ignore" || request.path == "/stream-ignore" {
                return .response(.text("ignored\n"))
            }
            guard let stream = request.bodyStream else {
                return .response(.text("collected \(request.body?.readableBytes ?? 0)\n"))
            }
            return .async { _ in
                var total = 0
                var pieces = 0
                do {
                    for try await piece in stream {
                        pieces += 1
                        total += piece.readableBytes
                        received.increment()
                        if pieces == 1, let gate { await gate.wait() }
                    }
                } catch {
                    marks.append("\(error)")
                    throw error
                }
                return .text("streamed \(total)\n")
            }
        }
    }

    @Test("a streaming route runs at the head and reads the body as it arrives", arguments: bothModes)
    func streams(mode: TestMode) async throws {
        let received = Counter()
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler(received: received)) { server in
            let connection = try await server.connect()
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 12\r\n\r\nabcd")
            try await received.wait(until: 1)  // the handler has the first part before the rest was sent
            try await connection.send("efgh")
            try await connection.send("ijkl")
            #expect(try await connection.readResponse().bodyString == "streamed 12\n")
            // Keep-alive: the next request is parsed after the streamed body.
            #expect(try await connection.request("POST", "/collect", body: Array("xyz".utf8)).bodyString == "collected 3\n")
        }
    }

    @Test("answering an earlier streamed request leaves the body of the next one, arriving, alone", arguments: bothModes)
    func earlierAnswerKeepsLaterBody(mode: TestMode) async throws {
        let gate = Gate()
        let received = Counter()
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler(gate: gate, received: received)) { server in
            let connection = try await server.connect()
            // The first request's body is whole; the second's arrives in two parts.
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd"
                + "POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 8\r\n\r\n1234")
            try await received.wait(until: 2)  // both handlers hold their first part
            gate.open()
            #expect(try await connection.readResponse().bodyString == "streamed 4\n")
            try await connection.send("5678")
            #expect(try await connection.readResponse().bodyString == "streamed 8\n")
        }
    }

    @Test("a malformed body of a request answered already ends the connection after that answer, with no second one", arguments: bothModes)
    func malformedBodyAfterAnswer(mode: TestMode) async throws {
        let gate = Gate()
        let received = Counter()
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler(gate: gate, received: received)) { server in
            let connection = try await server.connect()
            // The first waits at the gate; the second is answered at its head, its answer
            // queued behind the first's; then its chunked body turns out malformed.
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd"
                + "POST /stream-ignore HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            try await received.wait(until: 1)
            gate.open()
            #expect(try await connection.readResponse().bodyString == "streamed 4\n")
            let answered = try await connection.readResponse()
            #expect(answered.bodyString == "ignored\n")
            #expect(answered.header("connection") == "close")
            #expect(try await connection.waitForClose().isEmpty, "no 400 after the answer")
        }
    }

    @Test("a chunked body streams de-chunked", arguments: bothModes)
    func chunked(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            try await connection.send("6\r\n world\r\n0\r\n\r\n")
            #expect(try await connection.readResponse().bodyString == "streamed 11\n")
            #expect(try await connection.get("/collect").bodyString == "collected 0\n")
        }
    }

    @Test("while the consumer lags the server stops reading the socket, and reads again when it catches up")
    func backpressure() async throws {
        let gate = Gate()
        let received = Counter()
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: Self.handler(gate: gate, received: received)) { server in
            let connection = try await server.connect()
            let pieces = 12
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: \(pieces * 1000)\r\n\r\n")
            for _ in 0..<pieces { try await connection.send(Array(repeating: UInt8(ascii: "x"), count: 1000)) }
            try await received.wait(until: 1)
            await connection.runPendingWork()
            // The consumer holds the first piece: a few more are buffered for it, no more.
            let readsBefore = await connection.serverReads
            await connection.askServerToRead()
            #expect(await connection.serverReads == readsBefore)  // held back
            #expect(received.count == 1)
            gate.open()
            #expect(try await connection.readResponse().bodyString == "streamed \(pieces * 1000)\n")
            await connection.askServerToRead()
            #expect(await connection.serverReads > readsBefore)  // reading again
        }
    }

    @Test("a large upload through a slow consumer arrives whole, in order", arguments: bothModes)
    func largeUpload(mode: TestMode) async throws {
        let size = 3 * 1024 * 1024
        let handler = HTTPHandler(bodyPolicy: { _ in .stream }) { request in
            .async { request in
                var received = ByteBuffer()
                var pieces = 0
                for try await var piece in request.bodyStream! {
                    received.writeBuffer(&piece)
                    pieces += 1
                    await Task.yield()  // a consumer slower than the socket
                }
                return .text("\(received.readableBytes) \(received.withUnsafeReadableBytes(Self.checksum))")
            }
        }
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        let expected = body.withUnsafeBytes(Self.checksum)
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            let response = try await connection.request("PUT", "/upload", body: body)
            #expect(response.bodyString == "\(size) \(expected)")
        }
    }

    /// Order-sensitive: a piece lost, repeated or moved changes it.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var sum: UInt64 = 0
        for byte in bytes { sum = sum &* 31 &+ UInt64(byte) }
        return sum
    }

    @Test("a streamed body past the route's limit is refused: 413 for its Content-Length, an error for chunks")
    func limit() async throws {
        let marks = EventLog()
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: Self.handler(maxSize: 10, marks: marks)) { server in
            let declared = try await server.connect()
            #expect(try await declared.request("POST", "/stream", body: Array(repeating: 1, count: 11)).status == 413)
            let chunked = try await server.connect()
            try await chunked.send("POST /stream HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
            let refused = try await chunked.readResponse()
            #expect(refused.status == 413)  // the request's one answer: its handler's is dropped
            _ = try await chunked.waitForClose()
            try await marks.wait(count: 1, connection: chunked)
            #expect(marks.entries.first?.contains("413") == true)
        }
    }

    @Test("the server's body limit still holds for collected bodies when other routes stream")
    func collectedLimit() async throws {
        var configuration = quietConfiguration()
        configuration.limits.maxBodySize = 8
        try await withTestServer(.inProcess, configuration: configuration, handler: Self.handler()) { server in
            let connection = try await server.connect()
            #expect(try await connection.request("POST", "/collect", body: Array(repeating: 1, count: 9)).status == 413)
            let streaming = try await server.connect()
            #expect(try await streaming.request("POST", "/stream", body: Array(repeating: 1, count: 100)).bodyString == "streamed 100\n")
        }
    }

    @Test("a handler that answers without reading: a small rest is discarded and the connection goes on", arguments: bothModes)
    func discardSmallRest(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /stream-ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n" + String(repeating: "a", count: 500))
            let response = try await connection.readResponse()
            #expect(response.bodyString == "ignored\n")
            #expect(response.header("Connection") == nil)
            try await connection.send(String(repeating: "b", count: 1500))
            #expect(try await connection.get("/collect").bodyString == "collected 0\n")
        }
    }

    @Test("a handler that answers without reading: a large rest closes the connection after the response")
    func closeOnLargeRest() async throws {
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /stream-ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\nabc")
            let response = try await connection.readResponse()
            #expect(response.bodyString == "ignored\n")
            #expect(response.header("Connection") == "close")
            _ = try await connection.waitForClose()
        }
    }

    @Test("a client that stops sending mid-body gets 408, and the consumer an error")
    func timeout() async throws {
        var configuration = quietConfiguration()
        configuration.requestHeadTimeout = .milliseconds(150)
        let marks = EventLog()
        try await withTestServer(.inProcess, configuration: configuration, handler: Self.handler(marks: marks)) { server in
            let connection = try await server.connect()
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            await connection.advanceTime(by: .milliseconds(200))
            let response = try await connection.readResponse()
            #expect(response.status == 408)
            #expect(response.header("Connection") == "close")
            _ = try await connection.waitForClose()
            try await marks.wait(count: 1, connection: connection)
            #expect(marks.entries == ["\(RequestBodyStreamError.timeout)"])
        }
    }

    @Test("a lagging consumer is not the client's fault: no 408 while reading is paused")
    func pausedIsNotLate() async throws {
        var configuration = quietConfiguration()
        configuration.requestHeadTimeout = .milliseconds(150)
        let gate = Gate()
        let received = Counter()
        try await withTestServer(.inProcess, configuration: configuration, handler: Self.handler(gate: gate, received: received)) { server in
            let connection = try await server.connect()
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 6000\r\n\r\n")
            for _ in 0..<6 { try await connection.send(Array(repeating: UInt8(ascii: "x"), count: 1000)) }
            try await received.wait(until: 1)
            await connection.advanceTime(by: .seconds(1))
            #expect(await connection.isClosedByServer == false)
            gate.open()
            #expect(try await connection.readResponse().bodyString == "streamed 6000\n")
        }
    }

    @Test("the connection closing mid-body ends the stream with an error", arguments: bothModes)
    func closeMidBody(mode: TestMode) async throws {
        let marks = EventLog()
        let received = Counter()
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler(received: received, marks: marks)) { server in
            let connection = try await server.connect()
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            try await received.wait(until: 1)
            await connection.close()
            try await marks.wait(count: 1, connection: mode == .inProcess ? connection : nil)
            #expect(marks.entries == ["\(RequestBodyStreamError.connectionClosed)"])
        }
    }

    @Test("Expect: 100-continue is answered before a streamed body")
    func expectContinue() async throws {
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await connection.readResponse().status == 100)
            try await connection.send("abc")
            #expect(try await connection.readResponse().bodyString == "streamed 3\n")
        }
    }
}
