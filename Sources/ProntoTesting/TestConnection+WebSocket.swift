import NIOCore

/// A WebSocket frame as a test client sends or receives it (RFC 6455 §5.2).
public struct TestWebSocketFrame: Sendable, Equatable, CustomStringConvertible {
    /// Data frame opcodes (RFC 6455 §5.2).
    public static let continuation: UInt8 = 0x0, text: UInt8 = 0x1, binary: UInt8 = 0x2
    /// Control frame opcodes.
    public static let close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    /// The FIN bit: the last frame of a message.
    public var fin: Bool
    /// The reserved bits as they sit in the first byte (0x40 is RSV1).
    public var rsv: UInt8
    /// The opcode.
    public var opcode: UInt8
    /// The payload, unmasked.
    public var payload: [UInt8]

    /// A frame; `rsv` sets the RSV1-3 bits (4 is RSV1, for a compressed message).
    public init(fin: Bool = true, rsv: UInt8 = 0, opcode: UInt8, payload: [UInt8]) {
        self.fin = fin
        self.rsv = rsv
        self.opcode = opcode
        self.payload = payload
    }

    /// The payload as UTF-8 text.
    public var text: String { String(decoding: payload, as: UTF8.self) }

    /// A close frame's status code; nil for another frame or a close without one.
    public var closeCode: UInt16? {
        guard opcode == Self.close, payload.count >= 2 else { return nil }
        return UInt16(payload[0]) << 8 | UInt16(payload[1])
    }

    /// A close frame with `code` and `reason`.
    public static func close(_ code: UInt16, reason: String = "") -> TestWebSocketFrame {
        TestWebSocketFrame(opcode: close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8))
    }

    /// The frame's bytes, masked with `mask` as a client's must be (nil sends it unmasked,
    /// which a server must refuse).
    public func encoded(mask: [UInt8]? = [0x37, 0xFA, 0x21, 0x3D]) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        switch payload.count {
        case ..<126:
            bytes.append(maskBit | UInt8(payload.count))
        case ..<65536:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> UInt64($0 * 8)) }
        }
        guard let mask else { return bytes + payload }
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return bytes
    }

    /// Decodes one server frame from the front of `bytes`: the frame and its size, or nil
    /// when more bytes are needed.
    static func decode(_ bytes: [UInt8]) throws -> (TestWebSocketFrame, Int)? {
        guard bytes.count >= 2 else { return nil }
        if bytes[1] & 0x80 != 0 { throw TestClientError("the server sent a masked frame") }
        var length = Int(bytes[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard bytes.count >= offset + length else { return nil }
        let frame = TestWebSocketFrame(
            fin: bytes[0] & 0x80 != 0, rsv: bytes[0] & 0x70, opcode: bytes[0] & 0x0F, payload: Array(bytes[offset..<(offset + length)])
        )
        return (frame, offset + length)
    }

    public var description: String { "frame(opcode \(opcode), fin \(fin), \(payload.count) bytes)" }
}

extension TestConnection {
    /// Sends a valid WebSocket handshake for `target` (plus `headers`) and reads the answer:
    /// after a 101 the connection speaks WebSocket (``sendFrame(_:)``, ``readFrame()``).
    public func openWebSocket(_ target: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("GET", target, headers: [
            ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
        ] + headers)
    }

    /// Sends one frame, masked.
    public func sendFrame(_ frame: TestWebSocketFrame) async throws {
        try await send(frame.encoded())
    }

    /// Sends a text message in one frame.
    public func sendText(_ text: String) async throws {
        try await sendFrame(TestWebSocketFrame(opcode: TestWebSocketFrame.text, payload: Array(text.utf8)))
    }

    /// Reads the next frame the server sent.
    public func readFrame() async throws -> TestWebSocketFrame {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            let (bytes, closed) = inbox.take()
            parser.append(bytes)
            if let (frame, size) = try TestWebSocketFrame.decode(parser.buffer) {
                parser.removeFirst(size)
                return frame
            }
            if closed { throw TestClientError("the server closed the connection before a complete frame") }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestClientError("no frame from the server within \(timeout) s") }
            try await waitForChange(left)
        }
    }
}
