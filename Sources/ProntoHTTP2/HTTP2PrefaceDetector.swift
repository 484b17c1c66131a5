import NIOCore

/// Tells an HTTP/2 connection from an HTTP/1.1 one by its first bytes: the HTTP/2 client
/// preface (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, RFC 9113 §3.4) or anything else. Holds the
/// bytes until it can tell (at most 24), installs the chosen protocol's handlers after
/// itself, hands them the bytes and leaves the pipeline.
final class HTTP2PrefaceDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    struct NotHTTP2: Error, CustomStringConvertible {
        var description: String { "the connection did not start with the HTTP/2 preface (this port speaks HTTP/2 only)" }
    }

    static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let install: (any Channel, Bool) throws -> Void
    private let timeout: TimeAmount
    private var buffered: ByteBuffer?
    /// Closes a connection that sends too little to tell within the request-head timeout.
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, install: @escaping (any Channel, Bool) throws -> Void) {
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

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var held = buffered.take() {
            held.writeBuffer(&bytes)
            bytes = held
        }
        let seen = min(bytes.readableBytes, Self.preface.count)
        let matches = bytes.withUnsafeReadableBytes { raw in raw.prefix(seen).elementsEqual(Self.preface.prefix(seen)) }
        if matches, seen < Self.preface.count {
            buffered = bytes
            return
        }
        deadline?.cancel()
        deadline = nil
        do {
            try install(context.channel, matches)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(wrapInboundOut(bytes))
        context.fireChannelReadComplete()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        buffered = nil
        context.fireChannelInactive()
    }
}
