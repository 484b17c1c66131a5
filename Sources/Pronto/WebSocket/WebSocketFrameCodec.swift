import NIOCore
import NIOWebSocket

/// The WebSocket wire format (RFC 6455 §5.2), read from and written to the connection's own
/// buffers. Hot path, owned on purpose: NIOWebSocket's codec (a `ByteToMessageHandler` with
/// its decoder, and its encoder) cost 4 allocations per echoed message (a storage box per
/// frame each way, a copy to unmask) and a pipeline hop each way; measured side by side in
/// `Benchmarks/README.md` § WebSockets. Frames are read in place from the read buffer and
/// written header and payload together into one reused output buffer.
enum WebSocketFrameCodec {
    /// A frame's head: everything before its payload.
    struct Head: Equatable {
        var fin: Bool
        /// The reserved bits as they sit in the first byte (0x40 is RSV1).
        var reservedBits: UInt8
        var opcode: WebSocketOpcode
        /// The mask's 4 bytes as they sit in memory (see `WebSocketUnmasking`); nil unmasked.
        var maskKey: UInt32?
        var headLength: Int
        var payloadLength: Int

        var frameLength: Int { headLength + payloadLength }
    }

    enum Parse: Equatable {
        case needMore
        case head(Head)
        /// The frame breaks the protocol or the size limit: fail with this code.
        case failure(WebSocketCloseCode, String)
    }

    /// Reads the head of the frame at the start of `bytes`, checking what can be checked
    /// before its payload arrives: a control frame is final and at most 125 bytes, a payload
    /// is at most `maxPayload` bytes.
    static func parseHead(_ bytes: UnsafeRawBufferPointer, maxPayload: Int) -> Parse {
        guard bytes.count >= 2 else { return .needMore }
        let first = bytes[0], second = bytes[1]
        let opcode = WebSocketOpcode(encodedWebSocketOpcode: first & 0x0F)!
        let fin = first & 0x80 != 0
        let masked = second & 0x80 != 0
        var length = Int(second & 0x7F)
        var offset = 2
        if opcode.isControlOpcode {
            guard fin else { return .failure(.protocolError, "a fragmented control frame") }
            guard length <= 125 else { return .failure(.protocolError, "a control frame longer than 125 bytes") }
        } else if length == 126 {
            guard bytes.count >= 4 else { return .needMore }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return .needMore }
            let wide = bytes.loadUnaligned(fromByteOffset: 2, as: UInt64.self).bigEndian
            guard wide <= UInt64(maxPayload) else { return .failure(.messageTooBig, "a frame exceeds \(maxPayload) bytes") }
            length = Int(wide)
            offset = 10
        }
        guard length <= maxPayload else { return .failure(.messageTooBig, "a frame exceeds \(maxPayload) bytes") }
        var key: UInt32?
        if masked {
            guard bytes.count >= offset + 4 else { return .needMore }
            key = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            offset += 4
        }
        return .head(Head(fin: fin, reservedBits: first & 0x70, opcode: opcode, maskKey: key, headLength: offset, payloadLength: length))
    }

    /// Appends the head of a final, unmasked frame (a server's) whose payload is `length`
    /// bytes to `output`; the payload follows it.
    static func writeHead(opcode: WebSocketOpcode, reservedBits: UInt8 = 0, length: Int, into output: inout ByteBuffer) {
        output.writeInteger(0x80 | reservedBits | UInt8(webSocketOpcode: opcode))
        if length < 126 {
            output.writeInteger(UInt8(length))
        } else if length < 65536 {
            output.writeInteger(UInt8(126))
            output.writeInteger(UInt16(length))
        } else {
            output.writeInteger(UInt8(127))
            output.writeInteger(UInt64(length))
        }
    }
}
