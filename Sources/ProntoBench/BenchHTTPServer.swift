import NIOCore
import NIOPosix

/// A minimal HTTP/1.1 server on SwiftNIO for smoke-testing the suite without building a
/// framework: `/json` answers `{"message":"Hello, World!"}`, `/hello/NAME`
/// `{"message":"Hello NAME"}`, anything else `Hello, World!`; keep-alive, pipelining
/// (request heads found by their empty line, bodies are not supported). Not a peer to measure.
public enum BenchHTTPServer {
    public static func start(host: String = "127.0.0.1", port: Int = 0, threads: Int = 1) async throws -> ListeningServer {
        try await ListeningServer.start(host: host, port: port, threads: threads) { BenchHTTPHandler() }
    }
}

final class BenchHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The current request head so far.
    private var head: [UInt8] = []
    private var out: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var out = self.out ?? context.channel.allocator.buffer(capacity: 4096)
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                head.append(byte)
                let n = head.count
                if n >= 4 && head[n - 1] == 10 && head[n - 2] == 13 && head[n - 3] == 10 && head[n - 4] == 13 {
                    Self.answer(head, into: &out)
                    head.removeAll(keepingCapacity: true)
                } else if n > 65536 {
                    head.removeAll(keepingCapacity: true)
                }
            }
        }
        self.out = out
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let out, out.readableBytes > 0 {
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            self.out = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    static func answer(_ head: [UInt8], into out: inout ByteBuffer) {
        // "GET /path HTTP/1.1": the target is between the first two spaces.
        let firstSpace = head.firstIndex(of: 32) ?? 0
        let rest = head[(firstSpace + 1)...]
        let secondSpace = rest.firstIndex(of: 32) ?? rest.endIndex
        let path = String(decoding: rest[..<secondSpace], as: UTF8.self)
        let body: String
        let type: String
        if path == "/json" {
            body = #"{"message":"Hello, World!"}"#
            type = "application/json"
        } else if path.hasPrefix("/hello/") {
            body = #"{"message":"Hello \#(path.dropFirst(7))"}"#
            type = "application/json"
        } else {
            body = "Hello, World!"
            type = "text/plain"
        }
        out.writeString("HTTP/1.1 200 OK\r\nServer: pronto-bench\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }
}
