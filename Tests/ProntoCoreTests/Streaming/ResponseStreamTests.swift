import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Streamed responses")
struct ResponseStreamTests {
    static func streaming(_ stream: ResponseBodyStream, status: HTTPStatus = .ok) -> HTTPHandler {
        HTTPHandler { request in
            if request.pathEquals("/plain") { return .response(.text("plain\n")) }
            return .response(Response(status: status, contentType: "text/plain", body: .stream(stream)))
        }
    }

    @Test("a stream without a length is sent chunked, in the pieces written", arguments: bothModes)
    func chunked(mode: TestMode) async throws {
        let handler = Self.streaming(ResponseBodyStream { writer in
            for piece in ["one ", "two ", "three"] { try await writer.write(piece) }
        })
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/stream")
            #expect(response.status == 200)
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.header("Content-Length") == nil)
            #expect(response.bodyString == "one two three")
            #expect(String(decoding: response.raw, as: UTF8.self).hasSuffix("\r\n4\r\none \r\n4\r\ntwo \r\n5\r\nthree\r\n0\r\n\r\n"))
            // Keep-alive: the next request is answered on the same connection.
            #expect(try await connection.get("/plain").bodyString == "plain\n")
        }
    }

    @Test("a stream with a length is sent with Content-Length", arguments: bothModes)
    func withLength(mode: TestMode) async throws {
        let big = String(repeating: "x", count: 20_000)  // above the copy threshold: handed to NIO as is
        let handler = Self.streaming(ResponseBodyStream(contentLength: 20_005) { writer in
            try await writer.write("hello")
            try await writer.write(big)
        })
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/stream")
            #expect(response.header("Content-Length") == "20005")
            #expect(response.header("Transfer-Encoding") == nil)
            #expect(response.bodyString == "hello" + big)
        }
    }

    @Test("a stream that writes nothing is an empty body with Content-Length 0")
    func empty() async throws {
        let handler = Self.streaming(ResponseBodyStream { _ in })
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: handler) { server in
            let response = try await server.connect().get("/stream")
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == "0")
        }
    }

    @Test("responses pipelined behind a stream wait for it to finish, in order", arguments: bothModes)
    func pipelinedBehindStream(mode: TestMode) async throws {
        let gate = Gate()
        let wroteFirst = Counter()
        let handler = Self.streaming(ResponseBodyStream { writer in
            try await writer.write("first ")
            wroteFirst.increment()
            await gate.wait()
            try await writer.write("second")
        })
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            try await connection.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\nGET /plain HTTP/1.1\r\nHost: t\r\n\r\n")
            try await wroteFirst.wait(until: 1)
            await connection.runPendingWork()
            gate.open()
            let streamed = try await connection.readResponse()
            let plain = try await connection.readResponse()
            #expect(streamed.bodyString == "first second")
            #expect(plain.bodyString == "plain\n")
        }
    }

    @Test("the plain response behind a stream is not sent while the stream is open")
    func heldBehindStream() async throws {
        let gate = Gate()
        let wroteFirst = Counter()
        let handler = Self.streaming(ResponseBodyStream { writer in
            try await writer.write("first")
            wroteFirst.increment()
            await gate.wait()
        })
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            try await connection.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\nGET /plain HTTP/1.1\r\nHost: t\r\n\r\n")
            try await wroteFirst.wait(until: 1)
            await connection.runPendingWork()
            #expect(await connection.serverWrites >= 1)
            let writesBefore = await connection.serverWrites
            await connection.runPendingWork()
            #expect(await connection.serverWrites == writesBefore)  // nothing more until the stream ends
            gate.open()
            _ = try await connection.readResponse()
            #expect(try await connection.readResponse().bodyString == "plain\n")
        }
    }

    @Test("a write waits while the socket is not writable, and goes on when it is")
    func backpressure() async throws {
        let marks = EventLog()
        let handler = Self.streaming(ResponseBodyStream { writer in
            try await writer.write("a")
            marks.append("wrote a")
            try await writer.write("b")
            marks.append("wrote b")
        })
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            await connection.setServerWritable(false)
            try await connection.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            for _ in 0..<5 { await connection.runPendingWork() }
            #expect(marks.entries == [])  // the first write waits for writability
            await connection.setServerWritable(true)
            try await marks.wait(count: 2, connection: connection)
            #expect(marks.entries == ["wrote a", "wrote b"])
            #expect(try await connection.readResponse().bodyString == "ab")
        }
    }

    @Test("a stream that throws before writing is answered 500; the connection goes on", arguments: bothModes)
    func throwsBeforeWriting(mode: TestMode) async throws {
        struct Broken: Error {}
        let handler = Self.streaming(ResponseBodyStream { _ in throw Broken() })
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            #expect(try await connection.get("/stream").status == 500)
            #expect(try await connection.get("/plain").bodyString == "plain\n")
        }
    }

    @Test("a stream that throws after writing cuts the connection: the body is incomplete", arguments: bothModes)
    func throwsAfterWriting(mode: TestMode) async throws {
        struct Broken: Error {}
        let handler = Self.streaming(ResponseBodyStream { writer in
            try await writer.write("partial")
            throw Broken()
        })
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            try await connection.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            let rest = try await connection.waitForClose()
            let text = String(decoding: rest, as: UTF8.self)
            #expect(text.contains("partial"))
            #expect(!text.hasSuffix("0\r\n\r\n"))
        }
    }

    @Test("writing past the Content-Length throws; stopping short cuts the connection")
    func lengthMismatch() async throws {
        let failures = EventLog()
        let handler = HTTPHandler { request in
            let long = request.pathEquals("/long")
            return .response(Response(body: .stream(ResponseBodyStream(contentLength: 3) { writer in
                do {
                    try await writer.write(long ? "four" : "ab")
                } catch let error as ResponseStreamError {
                    failures.append("\(error)")
                    throw error
                }
            })))
        }
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: handler) { server in
            let long = try await server.connect()
            #expect(try await long.get("/long").status == 500)  // nothing was sent yet
            #expect(failures.entries.first?.contains("more than its contentLength of 3") == true)
            let short = try await server.connect()
            try await short.send("GET /short HTTP/1.1\r\nHost: t\r\n\r\n")
            let rest = String(decoding: try await short.waitForClose(), as: UTF8.self)
            #expect(rest.contains("Content-Length: 3"))
        }
    }

    @Test("an HTTP/1.0 client gets a close-delimited body")
    func http10() async throws {
        let handler = Self.streaming(ResponseBodyStream { writer in
            try await writer.write("old ")
            try await writer.write("client")
        })
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            try await connection.send("GET /stream HTTP/1.0\r\n\r\n")
            let text = String(decoding: try await connection.waitForClose(), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(!text.contains("chunked"))
            #expect(text.hasSuffix("\r\n\r\nold client"))
        }
    }

    @Test("HEAD gets the head alone; the stream's function does not run")
    func head() async throws {
        let ran = Counter()
        let handler = Self.streaming(ResponseBodyStream { writer in
            ran.increment()
            try await writer.write("body")
        })
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            let response = try await connection.request("HEAD", "/stream")
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(try await connection.get("/plain").bodyString == "plain\n")
            #expect(ran.count == 0)
        }
    }

    @Test("trailers follow a chunked body")
    func trailers() async throws {
        let handler = Self.streaming(ResponseBodyStream { writer in
            try await writer.write("data")
            try await writer.finish(trailers: ["Digest": "sha-256=abc"])
        })
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: handler) { server in
            let response = try await server.connect().get("/stream")
            #expect(String(decoding: response.raw, as: UTF8.self).hasSuffix("4\r\ndata\r\n0\r\nDigest: sha-256=abc\r\n\r\n"))
        }
    }

    @Test("the client going away cancels the stream's task; its writes throw", arguments: bothModes)
    func cancelledOnClose(mode: TestMode) async throws {
        let wrote = Counter()
        let outcome = EventLog()
        let handler = Self.streaming(ResponseBodyStream { writer in
            try await writer.write("tick")
            wrote.increment()
            // Waits until cancelled: no time bound that a loaded machine could outlast (the
            // test's own waits are bounded; a missing cancellation fails it, never hangs it).
            let released = Gate()
            await withTaskCancellationHandler {
                await released.wait()
            } onCancel: {
                released.open()
            }
            outcome.append(Task.isCancelled ? "cancelled" : "released")
            do {
                try await writer.write("after")
                outcome.append("wrote")
            } catch let error as ResponseStreamError {
                outcome.append("\(error == .connectionClosed ? "closed" : "\(error)")")
            }
        })
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            try await connection.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            try await wrote.wait(until: 1)
            await connection.close()
            if mode == .inProcess { await connection.runPendingWork() }
            try await outcome.wait(count: 2)
            #expect(outcome.entries == ["cancelled", "closed"])
        }
    }
}
