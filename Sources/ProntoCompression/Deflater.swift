import CompressNIO
import NIOCore

/// One deflate stream in a gzip or zlib wrapper, over compress-nio's `ZlibCompressor`,
/// with the output loop zlib needs: it grows the output until zlib has said everything the
/// flush asks for, so a caller never sees a buffer overflow.
///
/// Not thread-safe: one owner at a time (``StreamDeflater`` adds a lock for streams).
final class Deflater {
    private let zlib: ZlibCompressor

    /// zlib's state takes about 256 KiB (a 32 KiB window and memory level 8); it is freed
    /// with the deflater.
    convenience init(coding: ContentCoding, level: CompressionLevel) throws {
        try self.init(algorithm: coding.zlibAlgorithm, windowBits: 15, level: level)
    }

    /// A deflater with its own wrapper and window (raw deflate with a smaller window is what
    /// WebSocket's permessage-deflate may negotiate).
    init(algorithm: ZlibAlgorithm, windowBits: Int32, level: CompressionLevel, memoryLevel: Int32 = 8) throws {
        zlib = try ZlibCompressor(
            algorithm: algorithm,
            configuration: ZlibConfiguration(
                windowSize: windowBits, compressionLevel: Int32(level.value), memoryLevel: memoryLevel, strategy: .default
            )
        )
    }

    /// Compresses `input`'s readable bytes (all of them are consumed) into a new buffer:
    /// with `.sync` everything so far can be decoded from the output; with `.finish` the
    /// stream ends (its trailer included).
    func deflate(_ input: inout ByteBuffer, flush: CompressNIOFlush, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        // deflateBound (+6 for a sync flush's marker): enough for one call in practice.
        var output = allocator.buffer(capacity: zlib.maxSize(from: input))
        try deflate(&input, into: &output, flush: flush)
        return output
    }

    /// Makes a finished (or unused) deflater ready for a new stream with the same coding and
    /// level: cheaper than a new one, whose set-up (allocating and clearing zlib's 256 KiB)
    /// took 47 µs of the 91 µs a 16 KiB body took at level 1.
    func reset() throws {
        try zlib.reset()
    }

    /// Ends the stream: what zlib still holds, then the wrapper's trailer.
    func finish(allocator: ByteBufferAllocator) throws -> ByteBuffer {
        // Not an empty `ByteBuffer()`: compress-nio takes the input's base address.
        var empty = allocator.buffer(capacity: 16)
        return try deflate(&empty, flush: .finish, allocator: allocator)
    }

    private func deflate(_ input: inout ByteBuffer, into output: inout ByteBuffer, flush: CompressNIOFlush) throws {
        while true {
            // compress-nio takes the output's base address: never call it with no room.
            if output.writableBytes < 64 {
                output.reserveCapacity(minimumWritableBytes: max(output.capacity, 1024))
            }
            let inputBefore = input.readableBytes
            let outputBefore = output.readableBytes
            do {
                try zlib.deflate(from: &input, to: &output, flush: flush)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // Z_OK under .finish (more to come) or Z_BUF_ERROR (no progress possible).
                let progressed = input.readableBytes != inputBefore || output.readableBytes != outputBefore
                if progressed || output.writableBytes == 0 { continue }
                // No progress with room to spare: zlib has nothing more to say for this flush.
                if flush == .finish { throw error }
                return
            }
            // Z_STREAM_END under .finish; Z_OK otherwise: zlib may still hold output when it
            // filled the buffer, and it consumed all the input only if it had room.
            if flush == .finish { return }
            if output.writableBytes == 0 || input.readableBytes > 0 { continue }
            return
        }
    }
}
