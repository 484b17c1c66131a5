import NIOCore

/// Unmasking a client frame's payload (RFC 6455 §5.3). Hot path, owned on purpose:
/// NIOWebSocket's `webSocketUnmask` goes byte by byte, and was a quarter of the server's
/// time echoing 4 KiB messages. This XORs 8 bytes at a time while copying the payload out
/// of the read buffer (NIO's receive buffer, which it reuses: not ours to change).
enum WebSocketUnmasking {
    /// Appends `payload` unmasked to `output` (which grows as needed). `key` is the 4 mask
    /// bytes as they sit in memory (loaded from the frame as a `UInt32`).
    static func unmask(_ payload: ByteBuffer, key: UInt32, into output: inout ByteBuffer) {
        let count = payload.readableBytes
        guard count > 0 else { return }
        // The key twice: XORed with 8 payload bytes loaded from memory, byte i meets key
        // byte i % 4 (the offsets stay multiples of 4).
        let key64 = UInt64(key) | UInt64(key) << 32
        let keyBytes = withUnsafeBytes(of: key) { (UInt8($0[0]), UInt8($0[1]), UInt8($0[2]), UInt8($0[3])) }
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
            payload.withUnsafeReadableBytes { source in
                var index = 0
                while index + 8 <= count {
                    let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ key64
                    destination.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
                    index += 8
                }
                while index < count {
                    let mask = switch index % 4 { case 0: keyBytes.0; case 1: keyBytes.1; case 2: keyBytes.2; default: keyBytes.3 }
                    destination[index] = source[index] ^ mask
                    index += 1
                }
            }
            return count
        }
    }
}
