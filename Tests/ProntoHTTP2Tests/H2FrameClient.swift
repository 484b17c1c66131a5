import NIOConcurrencyHelpers
import NIOCore
import NIOHPACK
import NIOPosix
import NIOSSL
import NIOTLS

/// A frame-level HTTP/2 client for tests: it writes frames as given (including ones a
/// well-behaved client never sends: resets in a flood, endless CONTINUATION frames) and
/// reads every frame the server sends, decoding header blocks with NIO's HPACK decoder.
final class H2FrameClient: Sendable {
    enum FrameType: UInt8 {
        case data = 0, headers = 1, priority = 2, rstStream = 3, settings = 4, pushPromise = 5, ping = 6, goAway = 7
        case windowUpdate = 8, continuation = 9
    }

    struct Frame: Sendable {
        let type: UInt8
        let flags: UInt8
        let stream: UInt32
        let payload: [UInt8]

        var endStream: Bool { flags & 0x1 != 0 }
        var kind: FrameType? { FrameType(rawValue: type) }
        /// A GOAWAY's or RST_STREAM's error code.
        var errorCode: UInt32? {
            switch kind {
            case .goAway where payload.count >= 8: UInt32(bytes: payload[4..<8])
            case .rstStream where payload.count >= 4: UInt32(bytes: payload[0..<4])
            default: nil
            }
        }
    }

    struct Timeout: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }

    private let channel: any Channel
    fileprivate struct Received {
        var bytes: [UInt8] = []
        var closed = false
        /// The TLS handshake's outcome: the ALPN protocol (nil inside when none was chosen).
        var handshake: String?? = nil
    }

    private let received: NIOLockedValueBox<Received>
    private let encoder = NIOLockedValueBox(HPACKEncoder(allocator: ByteBufferAllocator()))

    private init(channel: any Channel, received: NIOLockedValueBox<Received>) {
        self.channel = channel
        self.received = received
    }

    /// Connects to 127.0.0.1:`port` (over TLS offering `alpn` when `tls` is set) and
    /// sends the connection preface and `settings`.
    static func connect(
        port: Int, tls: NIOSSLContext? = nil, serverName: String = "localhost",
        settings: [(id: UInt16, value: UInt32)] = [], sendPreface: Bool = true
    ) async throws -> H2FrameClient {
        // Made before the connection: what arrives (or a close) before connect returns is kept.
        let box = NIOLockedValueBox(Received())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(Collector(box: box))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let client = H2FrameClient(channel: channel, received: box)
        if sendPreface {
            var preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
            var payload: [UInt8] = []
            for setting in settings { payload += setting.id.bigEndianBytes + setting.value.bigEndianBytes }
            preface += frameBytes(.settings, flags: 0, stream: 0, payload: payload)
            try await client.writeRaw(preface)
            // Acknowledge the server's SETTINGS, as every client does: its limits apply from then.
            try await client.waitFor("the server's SETTINGS") { $0.contains { $0.kind == .settings && $0.flags & 1 == 0 } }
            try await client.send(.settings, flags: 0x1, stream: 0)
        }
        return client
    }

    /// The protocol ALPN chose once the TLS handshake completed (nil: none was).
    func negotiatedProtocol(seconds: Double = 5) async throws -> String? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            if let outcome = received.withLockedValue({ $0.handshake }) { return outcome }
            guard ContinuousClock.now < deadline, !isClosed else { throw Timeout(what: "the TLS handshake") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    static func frameBytes(_ type: FrameType, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type.rawValue, flags]
            + stream.bigEndianBytes + payload
    }

    func writeRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    func send(_ type: FrameType, flags: UInt8 = 0, stream: UInt32, payload: [UInt8] = []) async throws {
        try await writeRaw(Self.frameBytes(type, flags: flags, stream: stream, payload: payload))
    }

    /// The HPACK block of a request (a fresh encoder context per client connection).
    func headerBlock(method: String = "GET", path: String, extra: [(String, String)] = []) throws -> [UInt8] {
        var headers = HPACKHeaders([(":method", method), (":scheme", "http"), (":path", path), (":authority", "localhost")])
        for (name, value) in extra { headers.add(name: name, value: value) }
        return try encoder.withLockedValue { encoder in
            var buffer = ByteBufferAllocator().buffer(capacity: 128)
            try encoder.encode(headers: headers, to: &buffer)
            return Array(buffer.readableBytesView)
        }
    }

    /// Sends a request's HEADERS (END_HEADERS; END_STREAM unless a body follows).
    func request(stream: UInt32, method: String = "GET", path: String, extra: [(String, String)] = [], endStream: Bool = true) async throws {
        let block = try headerBlock(method: method, path: path, extra: extra)
        try await send(.headers, flags: 0x4 | (endStream ? 0x1 : 0), stream: stream, payload: block)
    }

    /// Every frame received so far, in order (a partial frame at the end is left out).
    var frames: [Frame] {
        let bytes = received.withLockedValue { $0.bytes }
        var frames: [Frame] = []
        var index = 0
        while bytes.count - index >= 9 {
            let length = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            guard bytes.count - index - 9 >= length else { break }
            let stream = UInt32(bytes: bytes[(index + 5)..<(index + 9)]) & 0x7fff_ffff
            frames.append(Frame(type: bytes[index + 3], flags: bytes[index + 4], stream: stream, payload: Array(bytes[(index + 9)..<(index + 9 + length)])))
            index += 9 + length
        }
        return frames
    }

    /// The TLS peer's (the server's) certificate.
    func peerCertificate() async throws -> NIOSSLCertificate? {
        try await channel.nioSSL_peerCertificate().get()
    }

    /// Every byte received, for a connection that speaks HTTP/1.1.
    var rawBytes: [UInt8] { received.withLockedValue { $0.bytes } }

    /// Whether the server has closed the connection.
    var isClosed: Bool { received.withLockedValue { $0.closed } }

    /// Waits (bounded) until `condition` holds for the frames received.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 5, _ condition: ([Frame]) -> Bool) async throws -> [Frame] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            let frames = self.frames
            if condition(frames) { return frames }
            guard ContinuousClock.now < deadline else { throw Timeout(what: what) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Waits until the server closes the connection.
    func waitForClose(seconds: Double = 5) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !isClosed {
            guard ContinuousClock.now < deadline else { throw Timeout(what: "the server to close the connection") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// A stream's response: its decoded header blocks (head, then trailers) and its body.
    func response(stream: UInt32, seconds: Double = 5) async throws -> (headers: [HPACKHeaders], body: [UInt8]) {
        let frames = try await waitFor("the end of stream \(stream)", seconds: seconds) { frames in
            frames.contains { $0.stream == stream && ($0.endStream || $0.kind == .rstStream) && ($0.kind == .data || $0.kind == .headers || $0.kind == .rstStream) }
        }
        // Decode every header block in order: HPACK's dynamic table spans the connection.
        var decoder = HPACKDecoder(allocator: ByteBufferAllocator())
        var headers: [HPACKHeaders] = []
        var body: [UInt8] = []
        for frame in frames where frame.kind == .headers || frame.kind == .data {
            if frame.kind == .headers {
                var buffer = ByteBuffer(bytes: frame.payload)
                let block = try decoder.decodeHeaders(from: &buffer)
                if frame.stream == stream { headers.append(block) }
            } else if frame.stream == stream {
                body += frame.payload
            }
        }
        return (headers, body)
    }

    func close() async {
        try? await channel.close().get()
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let box: NIOLockedValueBox<Received>

        init(box: NIOLockedValueBox<Received>) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            box.withLockedValue { $0.bytes += bytes.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            box.withLockedValue { $0.closed = true }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event {
                box.withLockedValue { $0.handshake = .some(negotiated) }
            }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

extension HPACKHeaders {
    /// The `:status` of a response head.
    var status: String? { self[":status"].first }
}

extension UInt32 {
    init(bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    var bigEndianBytes: [UInt8] { [UInt8(self >> 24), UInt8(self >> 16 & 0xff), UInt8(self >> 8 & 0xff), UInt8(self & 0xff)] }
}

extension UInt64 {
    var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: self >> (56 - 8 * $0)) } }
}

extension UInt16 {
    var bigEndianBytes: [UInt8] { [UInt8(self >> 8), UInt8(self & 0xff)] }
}
