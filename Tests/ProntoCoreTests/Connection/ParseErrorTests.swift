import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Refused requests")
struct ParseErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        let request: String
        let status: Int
        let reason: String
        var description: String { "\(status) \(reason)" }
    }

    static let cases: [Case] = [
        Case(request: "G@T / HTTP/1.1\r\nHost: t\r\n\r\n", status: 400, reason: "method"),
        Case(request: "GET / HTTP/2.0\r\nHost: t\r\n\r\n", status: 505, reason: "version"),
        Case(request: "GET / HTTP/1.1\r\n\r\n", status: 400, reason: "Host"),
        Case(request: "GET / HTTP/1.1\r\nHost : t\r\n\r\n", status: 400, reason: "whitespace"),
        Case(request: "GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", status: 400, reason: "folding"),
        Case(request: "GET / HTTP/1.1\r\nHost: t\rX: 1\r\n\r\n", status: 400, reason: "CR"),
        Case(request: "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", status: 400, reason: "Content-Length"),
        Case(request: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", status: 400, reason: "chunked"),
        Case(request: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501, reason: "coding"),
        Case(request: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", status: 400, reason: "both"),
        Case(request: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", status: 400, reason: "chunk size"),
        Case(request: "GET / HTTP/1.1\r\nHost: t\r\nExpect: magic\r\n\r\n", status: 417, reason: "expectation"),
    ]

    @Test("a malformed request gets its status and reason, then the connection closes", arguments: bothModes, cases)
    func refused(mode: TestMode, testCase: Case) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            try await connection.send(testCase.request)
            let response = try await connection.readResponse()
            #expect(response.status == testCase.status)
            #expect(response.bodyString.contains(testCase.reason), "\(response.bodyString)")
            #expect(response.header("connection") == "close")
            _ = try await connection.waitForClose()
        }
    }

    @Test("responses owed before a malformed request are sent first, in order", arguments: bothModes)
    func errorAfterGoodRequests(mode: TestMode) async throws {
        let gate = Gate()
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler(gates: ["g": gate])) { server in
            let connection = try await server.connect()
            try await connection.send("GET /async/g HTTP/1.1\r\nHost: t\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: t\r\n\r\nBAD\r\n\r\n")
            gate.open()
            #expect(try await connection.readResponse().bodyString == "async g")
            #expect(try await connection.readResponse().status == 200)
            #expect(try await connection.readResponse().status == 400)
            _ = try await connection.waitForClose()
        }
    }

    @Test("limits: request line 414, header section 431, header count 431, body 413, each naming its limit", arguments: bothModes)
    func limits(mode: TestMode) async throws {
        var configuration = quietConfiguration()
        configuration.limits = HTTPLimits(maxRequestLineLength: 100, maxHeaderSectionSize: 200, maxHeaderCount: 5, maxBodySize: 50)
        let cases: [(String, Int, String)] = [
            ("GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\nHost: t\r\n\r\n", 414, "100 bytes"),
            ("GET / HTTP/1.1\r\nHost: t\r\nX: \(String(repeating: "b", count: 300))\r\n\r\n", 431, "200 bytes"),
            ("GET / HTTP/1.1\r\nHost: t\r\n" + (1...5).map { "X\($0): 1\r\n" }.joined() + "\r\n", 431, "5 header"),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 51\r\n\r\n", 413, "50 bytes"),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n\(String(repeating: "c", count: 32))\r\n20\r\n", 413, "50 bytes"),
        ]
        try await withTestServer(mode, configuration: configuration, handler: testHandler()) { server in
            for (request, status, reason) in cases {
                let connection = try await server.connect()
                try await connection.send(request)
                let response = try await connection.readResponse()
                #expect(response.status == status)
                #expect(response.bodyString.contains(reason), "\(response.bodyString)")
                _ = try await connection.waitForClose()
            }
        }
    }

    @Test("after refusing one connection's request the server goes on serving others", arguments: bothModes)
    func serverGoesOn(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: testHandler()) { server in
            let bad = try await server.connect()
            try await bad.send("\u{1}\u{2}garbage\r\n\r\n")
            #expect(try await bad.readResponse().status == 400)
            let good = try await server.connect()
            #expect(try await good.get("/plaintext").status == 200)
        }
    }
}
