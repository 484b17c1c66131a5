import NIOCore
import NIOWebSocket

/// Unmasking a client frame's payload (RFC 6455 §5.3). Hot path, owned on purpose:
/// NIOWebSocket's `webSocketUnmask` goes byte by byte, and was a quarter of the server's
/// time echoing 4 KiB messages. This XORs 8 bytes at a time while copying the payload out
/// of the read buffer (it is a slice of it, so unmasking in place would copy it first).
enum WebSocketUnmasking {
    static func unmasked(_ payload: ByteBuffer, key: WebSocketMaskingKey, allocator: ByteBufferAllocator) -> ByteBuffer {
        let count = payload.readableBytes
        var output = allocator.buffer(capacity: count)
        guard count > 0 else { return output }
        let k = key
        // The key's 4 bytes, in memory order, twice: XORed with 8 payload bytes loaded from
        // memory, byte i meets key byte i % 4 (the offsets stay multiples of 4).
        let key32 = UInt32(k[0]) | UInt32(k[1]) << 8 | UInt32(k[2]) << 16 | UInt32(k[3]) << 24
        let key64 = UInt64(littleEndian: UInt64(key32) | UInt64(key32) << 32)
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
            payload.withUnsafeReadableBytes { source in
                var index = 0
                while index + 8 <= count {
                    let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ key64
                    destination.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
                    index += 8
                }
                while index < count {
                    destination[index] = source[index] ^ k[index % 4]
                    index += 1
                }
            }
            return count
        }
        return output
    }
}
