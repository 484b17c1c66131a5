import NIOCore
import NIOPosix

/// A TCP echo server on SwiftNIO: every byte read is written back, one flush per read batch.
/// The peer of `pronto-bench echo` (the uvloop toolbench's echo server, in Swift).
public final class EchoServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel

    /// The port it listens on (the one picked when started with port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(group: MultiThreadedEventLoopGroup, channel: Channel) {
        self.group = group
        self.channel = channel
    }

    /// Starts listening on `host:port` with `threads` event loops.
    public static func start(host: String = "127.0.0.1", port: Int = 0, threads: Int = 1) async throws -> EchoServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(EchoHandler())
                    }
                }
                .bind(host: host, port: port).get()
            return EchoServer(group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Serves until the listening channel is closed (by `shutdown()`).
    public func wait() async throws {
        try await channel.closeFuture.get()
    }

    /// Stops listening, closes every connection and the event loops.
    public func shutdown() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}

/// Writes back what it reads.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
