import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP relay between the app and PostgreSQL that a test can cut and restore, to play a
/// database that goes away and comes back without touching the real server.
final class TCPProxy: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let target: SocketAddress
    private let state = NIOLockedValueBox(State())

    private struct State {
        var listener: (any Channel)?
        var port = 0
        var relayed: [any Channel] = []
    }

    init(group: MultiThreadedEventLoopGroup, target: SocketAddress) {
        self.group = group
        self.target = target
    }

    /// The port it listens on (fixed after the first ``start()``).
    var port: Int { state.withLockedValue { $0.port } }

    /// Listens (again, on the same port after a ``cut()``) and relays each connection.
    func start() async throws {
        let port = self.port
        let target = self.target
        let group = self.group
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .connect(to: target)
                    .flatMap { outbound in
                        self.track(inbound, outbound)
                        return inbound.pipeline.addHandler(Relay(peer: outbound)).flatMap {
                            outbound.pipeline.addHandler(Relay(peer: inbound))
                        }
                    }
            }
            .bind(host: "127.0.0.1", port: port).get()
        state.withLockedValue { state in
            state.listener = listener
            state.port = listener.localAddress?.port ?? 0
        }
    }

    private func track(_ channels: any Channel...) {
        state.withLockedValue { $0.relayed.append(contentsOf: channels) }
    }

    /// Stops listening and drops every relayed connection: the database is "down".
    func cut() async {
        let (listener, relayed) = state.withLockedValue { state in
            defer { state.listener = nil; state.relayed = [] }
            return (state.listener, state.relayed)
        }
        try? await listener?.close()
        for channel in relayed { try? await channel.close() }
    }

    /// Copies bytes to the peer channel and closes it when this side closes.
    private final class Relay: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let peer: any Channel

        init(peer: any Channel) { self.peer = peer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
