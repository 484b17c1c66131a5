import Foundation
import NIOPosix
import Pronto
import ProntoTesting
import Testing

/// A connection failed while the client is still sending (a message over the limit, say)
/// is closed lingering: the close frame goes out, our side is shut, and what the client
/// still sends is read and dropped until it closes. A plain close with bytes still coming
/// makes the kernel answer them with a reset, and the client may never read the 1009.
@Suite("WebSocket lingering close")
struct WebSocketLingeringCloseTests {
    @Test("bytes sent after a 1009 are drained: the client reads the close frame, then a clean end, no reset")
    func drainsAfterFailing() async throws {
        let app = webSocketApp(configuration: WebSocketConfiguration(maxMessageSize: 1024))
        try await app.test(.live) { client in
            let port = try #require(client.server.server?.port)
            // Blocking socket calls: on a thread pool's thread, not on Swift concurrency's.
            let outcome = try await NIOThreadPool.singleton.runIfActive { try Self.tooBigThenMore(port: port) }
            #expect(outcome.closeCode == 1009)
            #expect(outcome.end == "end of stream", "after the close frame: \(outcome.end)")
        }
    }

    /// Opens a WebSocket, sends a 4 MiB frame (the limit is 1 KiB), reads the close frame,
    /// and reports how the connection ended for the client.
    static func tooBigThenMore(port: Int) throws -> (closeCode: UInt16?, end: String) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestClientError("socket: \(errno)") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestClientError("connect: \(errno)") }
        try sendAll(socket, Array(("GET /echo HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        var received: [UInt8] = []
        while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
            guard let chunk = receive(socket), !chunk.isEmpty else { throw TestClientError("no 101") }
            received += chunk
        }
        let head = String(decoding: received, as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 101") else { throw TestClientError("not upgraded: \(head)") }
        received.removeFirst(head.range(of: "\r\n\r\n")!.upperBound.utf16Offset(in: head))
        // A masked binary frame of 4 MiB (the limit is 1 KiB) sent in one go, as a client
        // does: the server fails it at its head, with most of it still on the way.
        let frame = Frame(opcode: Frame.binary, payload: [UInt8](repeating: 0x2A, count: 4 << 20)).encoded()
        if (try? sendAll(socket, frame)) == nil { return (nil, "the send failed: errno \(errno)") }
        while received.count < 4 {
            guard let chunk = receive(socket) else { return (nil, "recv failed before the close frame: errno \(errno)") }
            guard !chunk.isEmpty else { return (nil, "closed before the close frame") }
            received += chunk
        }
        guard received[0] == 0x88 else { throw TestClientError("expected a close frame, got \(received.prefix(4))") }
        let code = UInt16(received[2]) << 8 | UInt16(received[3])
        while true {
            guard let chunk = receive(socket) else { return (code, "recv failed: errno \(errno)") }
            if chunk.isEmpty { return (code, "end of stream") }
        }
    }

    private static func sendAll(_ socket: CInt, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw TestClientError("send: errno \(errno)") }
            sent += count
        }
    }

    /// Bytes received; empty at the end of the stream; nil on an error (a reset).
    private static func receive(_ socket: CInt) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        return count < 0 ? nil : Array(buffer[..<count])
    }
}
