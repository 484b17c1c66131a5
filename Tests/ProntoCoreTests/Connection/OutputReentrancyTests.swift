import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

/// Regression tests for responses sent twice: when one read batch's output passed the
/// high-water mark and was written early, NIO could report the socket writable again
/// inside that write, re-entering the input loop before the written output was cleared,
/// so the next write repeated it. Over a real socket, where NIO's writability changes
/// are real.
@Suite("Output re-entrancy")
struct OutputReentrancyTests {
    static let bodySizes = [200_000, 262_143, 262_144, 262_145, 300_000, 600_000]

    /// Sends `batch` (its last request says `Connection: close`), reads `expected`
    /// responses, and returns what came after them before the close (must be nothing).
    private func exchange(_ batch: [UInt8], expected: Int, check: (Int, TestResponse) -> Void) async throws -> [UInt8] {
        var leftover: [UInt8] = []
        try await withTestServer(.live, configuration: quietConfiguration(), handler: testHandler()) { server in
            let connection = try await server.connect()
            await connection.setTimeout(20)
            try await connection.send(batch)
            for i in 0..<expected { check(i, try await connection.readResponse()) }
            leftover = try await connection.waitForClose()
        }
        return leftover
    }

    @Test("a big echo then a small request in one write: exactly two responses", arguments: bodySizes, ["/echo", "/async-echo"])
    func bigBodyThenSmall(size: Int, path: String) async throws {
        let body = String(repeating: "e", count: size)
        let batch = "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\n\r\n\(body)"
            + "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        let leftover = try await exchange(Array(batch.utf8), expected: 2) { i, response in
            #expect(response.body.count == (i == 0 ? size : 13), "response \(i)")
        }
        #expect(leftover.count == 0, "\(leftover.count) bytes after the last response: a response was sent twice")
    }

    @Test("a big chunked echo then a small request in one write: exactly two responses", arguments: bodySizes, ["/echo", "/async-echo"])
    func bigChunkedBodyThenSmall(size: Int, path: String) async throws {
        let chunk = String(repeating: "c", count: 4096)
        var batch = "POST \(path) HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        var sent = 0
        while sent < size {
            let n = min(4096, size - sent)
            batch += String(n, radix: 16) + "\r\n" + chunk.prefix(n) + "\r\n"
            sent += n
        }
        batch += "0\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        let leftover = try await exchange(Array(batch.utf8), expected: 2) { i, response in
            #expect(response.body.count == (i == 0 ? size : 13), "response \(i)")
        }
        #expect(leftover.count == 0, "\(leftover.count) bytes after the last response: a response was sent twice")
    }

    @Test("thousands of pipelined small requests: one response each, in order", arguments: [1_996, 5_000])
    func manySmall(count: Int) async throws {
        var batch = ""
        for i in 0..<count {
            batch += "GET /echo-path/\(i) HTTP/1.1\r\nHost: t\r\n" + (i == count - 1 ? "Connection: close\r\n" : "") + "\r\n"
        }
        let leftover = try await exchange(Array(batch.utf8), expected: count) { i, response in
            #expect(response.bodyString == "/echo-path/\(i)")
        }
        #expect(leftover.count == 0, "\(leftover.count) bytes after the last response: responses were sent twice")
    }

    @Test("big responses pipelined behind each other: one each, in order", arguments: [3, 10])
    func manyBig(count: Int) async throws {
        var batch = ""
        for i in 0..<count {
            batch += "GET /big HTTP/1.1\r\nHost: t\r\n" + (i == count - 1 ? "Connection: close\r\n" : "") + "\r\n"
        }
        let leftover = try await exchange(Array(batch.utf8), expected: count) { _, response in
            #expect(response.body.count == 300_000)
        }
        #expect(leftover.count == 0, "\(leftover.count) bytes after the last response: responses were sent twice")
    }
}
