import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Request handling")
struct RequestHandlingTests {
    @Test("answers GET with status, Date, Content-Type and Content-Length", arguments: bothModes)
    func plaintext(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/plaintext")
            #expect(response.status == 200)
            #expect(response.bodyString == "Hello, World!")
            #expect(response.header("content-type") == "text/plain")
            #expect(response.header("content-length") == "13")
            #expect(response.header("date")?.hasSuffix(" GMT") == true)
            #expect(response.header("connection") == nil)
        }
    }

    @Test("serves many requests on one keep-alive connection", arguments: bothModes)
    func keepAlive(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            for _ in 0..<20 {
                let response = try await connection.get("/plaintext")
                #expect(response.status == 200)
            }
            #expect(await connection.isClosedByServer == false)
        }
    }

    @Test("echoes a Content-Length body and a chunked body", arguments: bothModes)
    func echo(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            let fixed = try await connection.request("POST", "/echo", headers: [("Content-Type", "text/x-a")], body: Array("hello body".utf8))
            #expect(fixed.bodyString == "hello body")
            #expect(fixed.header("content-type") == "text/x-a")
            try await connection.send(
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/x-b\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: yes\r\n\r\n")
            let chunked = try await connection.readResponse()
            #expect(chunked.bodyString == "hello world")
            #expect(chunked.header("content-type") == "text/x-b")
        }
    }

    @Test("a body split across reads is collected", arguments: bothModes)
    func splitBody(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n01234")
            try await connection.send("56789")
            #expect(try await connection.readResponse().bodyString == "0123456789")
            try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab")
            try await connection.send("c\r\n0\r\n\r\n")
            #expect(try await connection.readResponse().bodyString == "abc")
        }
    }

    @Test("a request fed one byte at a time is answered once, correctly")
    func byteAtATime() async throws {
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            let request = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nX-Test: 1\r\n\r\nabc"
            for byte in request.utf8 { try await connection.send([byte]) }
            let response = try await connection.readResponse()
            #expect(response.bodyString == "abc")
            #expect(await connection.serverWrites == 1)
        }
    }

    @Test("HEAD gets the headers of GET and no body", arguments: bothModes)
    func head(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            let response = try await connection.request("HEAD", "/plaintext")
            #expect(response.status == 200)
            #expect(response.header("content-length") == "13")
            #expect(response.body.isEmpty)
            // The connection is still in sync: the next response parses.
            #expect(try await connection.get("/plaintext").bodyString == "Hello, World!")
        }
    }

    @Test("a handler's thrown error is a 500 for that request only", arguments: bothModes)
    func thrownError(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            let sync = try await connection.get("/throw")
            #expect(sync.status == 500)
            #expect(!sync.bodyString.contains("Boom"))
            let async = try await connection.get("/async-throw")
            #expect(async.status == 500)
            #expect(try await connection.get("/plaintext").status == 200)
        }
    }

    @Test("a header with CR/LF is never sent: the response becomes a 500", arguments: bothModes)
    func headerInjection(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/inject")
            #expect(response.status == 500)
            #expect(response.header("set-cookie") == nil)
            #expect(try await connection.get("/plaintext").status == 200)
        }
    }

    @Test("lazy request accessors read the head's bytes", arguments: bothModes)
    func requestAccessors(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/head-info?x=1", headers: [("X-Test", "  spaced value ")])
            #expect(response.bodyString == "GET /head-info?x=1 spaced value")
        }
    }

    @Test("a higher HTTP/1.x minor is answered as HTTP/1.1", arguments: bothModes)
    func higherMinor(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            let response = try await connection.request("GET", "/plaintext", version: "HTTP/1.7")
            #expect(response.version == "HTTP/1.1")
            #expect(response.status == 200)
        }
    }
}
