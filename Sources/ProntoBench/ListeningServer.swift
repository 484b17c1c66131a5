import NIOCore
import NIOPosix

/// A listening SwiftNIO server whose every connection gets a fresh handler: what
/// ``EchoServer`` and ``BenchHTTPServer`` share.
public final class ListeningServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel

    /// The port it listens on (the one picked when started with port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(group: MultiThreadedEventLoopGroup, channel: Channel) {
        self.group = group
        self.channel = channel
    }

    /// Starts listening on `host:port` with `threads` event loops; `makeHandler` makes each
    /// connection's handler.
    static func start(
        host: String, port: Int, threads: Int, makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> ListeningServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(makeHandler())
                    }
                }
                .bind(host: host, port: port).get()
            return ListeningServer(group: group, channel: channel)
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
