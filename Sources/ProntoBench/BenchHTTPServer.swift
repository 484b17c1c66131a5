import NIOCore
import NIOPosix

/// A minimal HTTP/1.1 server on SwiftNIO for smoke-testing the suite without building a
/// framework: `/json` answers `{"message":"Hello, World!"}`, `/hello/NAME`
/// `{"message":"Hello NAME"}`, anything else `Hello, World!`; keep-alive, pipelining
/// (request heads found by their empty line, bodies are not supported). Not a peer to measure.
public final class BenchHTTPServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel

    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(group: MultiThreadedEventLoopGroup, channel: Channel) {
        self.group = group
        self.channel = channel
    }

    public static func start(host: String = "127.0.0.1", port: Int = 0, threads: Int = 1) async throws -> BenchHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(BenchHTTPHandler())
                    }
                }
                .bind(host: host, port: port).get()
            return BenchHTTPServer(group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    public func wait() async throws {
        try await channel.closeFuture.get()
    }

    public func shutdown() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
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
