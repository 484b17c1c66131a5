import CompressNIO
import NIOCore
import Pronto

/// One connection's permessage-deflate (RFC 7692 §7.2): raw deflate streams, each message
/// ended with a sync flush whose `00 00 FF FF` tail is left off the wire and put back
/// before inflating. Used on the connection's event loop only.
final class PerMessageDeflateCodec: WebSocketMessageCodec {
    struct Settings: Sendable {
        var level: CompressionLevel
        var minimumSize: Int
        var serverWindowBits: Int
        var serverNoContextTakeover: Bool
        var clientWindowBits: Int
        var clientNoContextTakeover: Bool
    }

    private static let tail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]
    private let settings: Settings
    // Made at the first message each way: zlib's state is large (see `PerMessageDeflate`),
    // and many connections never send or receive a compressed message.
    private var deflaterStorage: Deflater?
    private var inflaterStorage: ZlibDecompressor?

    init(_ settings: Settings) throws {
        self.settings = settings
    }

    private func deflater() throws -> Deflater {
        if let deflaterStorage { return deflaterStorage }
        let made = try Deflater(algorithm: .deflate, windowBits: Int32(settings.serverWindowBits), level: settings.level)
        deflaterStorage = made
        return made
    }

    private func inflater() throws -> ZlibDecompressor {
        if let inflaterStorage { return inflaterStorage }
        let made = try ZlibDecompressor(algorithm: .deflate, windowSize: Int32(settings.clientWindowBits))
        inflaterStorage = made
        return made
    }

    func encode(_ payload: ByteBuffer, allocator: ByteBufferAllocator) throws -> ByteBuffer? {
        guard payload.readableBytes >= settings.minimumSize else { return nil }
        let deflater = try deflater()
        var input = payload
        var output = try deflater.deflate(&input, flush: .sync, allocator: allocator)
        if settings.serverNoContextTakeover { try deflater.reset() }
        // A sync flush ends with an empty stored block, 00 00 FF FF: the peer adds it back.
        if output.readableBytes >= 4, output.getBytes(at: output.writerIndex - 4, length: 4) == Self.tail {
            output.moveWriterIndex(to: output.writerIndex - 4)
        }
        return output
    }

    func decode(_ payload: ByteBuffer, maxSize: Int, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        let inflater = try inflater()
        var input = allocator.buffer(capacity: payload.readableBytes + 4)
        var payload = payload
        input.writeBuffer(&payload)
        input.writeBytes(Self.tail)
        // Grown as zlib asks, never past maxSize + 1: one byte more is enough to refuse.
        var output = allocator.buffer(capacity: min(maxSize + 1, max(256, input.readableBytes * 4)))
        defer { if settings.clientNoContextTakeover { try? inflater.reset() } }
        while true {
            if output.writableBytes == 0 {
                guard output.readableBytes <= maxSize else { throw WebSocketCodecError.tooLarge }
                output.reserveCapacity(minimumWritableBytes: min(output.capacity, maxSize + 1 - output.readableBytes))
            }
            let before = (input.readableBytes, output.readableBytes)
            do {
                try inflater.inflate(from: &input, to: &output)
                if input.readableBytes == 0 { break }
                if (input.readableBytes, output.readableBytes) == before {
                    // The sender ended the deflate stream inside the message (a final block,
                    // RFC 7692 §7.2.3.4): only our appended tail may follow. The next message
                    // starts a new stream.
                    try? inflater.reset()
                    guard input.readableBytes <= 4 else { throw WebSocketCodecError.invalid("data after the end of a deflate stream") }
                    break
                }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // zlib wants more room: grown at the top of the loop, up to the limit.
                if output.readableBytes > maxSize { throw WebSocketCodecError.tooLarge }
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                // All input consumed and zlib waits for more: the message is complete.
                break
            } catch let error as CompressNIOError where error == .corruptData {
                throw WebSocketCodecError.invalid("corrupt deflate data")
            } catch {
                throw WebSocketCodecError.invalid("inflate failed: \(error)")
            }
        }
        guard output.readableBytes <= maxSize else { throw WebSocketCodecError.tooLarge }
        return output
    }
}
