import NIOCore
import NIOTLS

/// Waits for the TLS handshake, then installs the protocol ALPN chose (nil: the client
/// offered none, HTTP/1.1) and leaves the pipeline. Bytes decrypted before the protocol is
/// installed are held and handed to it. A handshake not complete by `timeout` closes the
/// connection (a client that opens a socket and says nothing holds no slot for long).
final class ALPNSelection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let install: (any Channel, String?) throws -> Void
    private let timeout: TimeAmount
    private var held: [ByteBuffer] = []
    private var installed = false
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, install: @escaping (any Channel, String?) throws -> Void) {
        self.timeout = timeout
        self.install = install
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let tls = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = tls, !installed else {
            return context.fireUserInboundEventTriggered(event)
        }
        installed = true
        deadline?.cancel()
        deadline = nil
        do {
            try install(context.channel, negotiated)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
        let held = self.held
        self.held = []
        for bytes in held { context.fireChannelRead(wrapInboundOut(bytes)) }
        if !held.isEmpty { context.fireChannelReadComplete() }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        held.append(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed handshake (a client that does not speak TLS, or offers nothing we
        // accept): NIOSSL has sent its alert; the connection ends here.
        context.close(promise: nil)
    }
}
