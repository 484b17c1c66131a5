import NIOCore
import NIOPosix

/// A TCP echo server on SwiftNIO: every byte read is written back, one flush per read batch.
/// The peer of `pronto-bench echo` (the uvloop toolbench's echo server, in Swift).
public enum EchoServer {
    /// Starts listening on `host:port` with `threads` event loops.
    public static func start(host: String = "127.0.0.1", port: Int = 0, threads: Int = 1) async throws -> ListeningServer {
        try await ListeningServer.start(host: host, port: port, threads: threads) { EchoHandler() }
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
