import NIOCore
import Pronto
import Synchronization

/// A ``Deflater`` that the writes of one stream share: each write is compressed and
/// sync-flushed (Z_SYNC_FLUSH), so a client can decode everything written so far as soon
/// as it arrives (server-sent events stay prompt), and the stream ends once.
final class StreamDeflater: Sendable {
    private struct State {
        var deflater: Deflater
        var finished = false
    }

    // A stream writes one buffer at a time, so the lock is never contended; it makes the
    // deflater (a non-Sendable zlib stream) safe to share between the writer's functions.
    private let state: Mutex<State>
    private let allocator: ByteBufferAllocator

    init(coding: ContentCoding, level: CompressionLevel, allocator: ByteBufferAllocator) throws {
        state = Mutex(State(deflater: try Deflater(coding: coding, level: level)))
        self.allocator = allocator
    }

    /// `buffer` compressed and flushed; nil for an empty write (a flush of nothing would
    /// send an empty block).
    ///
    /// - Throws: `ResponseStreamError.alreadyFinished` after ``finish()``.
    func compress(_ buffer: ByteBuffer) throws -> ByteBuffer? {
        guard buffer.readableBytes > 0 else {
            if state.withLock({ $0.finished }) { throw ResponseStreamError.alreadyFinished }
            return nil
        }
        let allocator = allocator
        return try state.withLock { state in
            guard !state.finished else { throw ResponseStreamError.alreadyFinished }
            var input = buffer
            return try state.deflater.deflate(&input, flush: .sync, allocator: allocator)
        }
    }

    /// The end of the compressed stream.
    ///
    /// - Throws: `ResponseStreamError.alreadyFinished` when called twice.
    func finish() throws -> ByteBuffer {
        let allocator = allocator
        return try state.withLock { state in
            guard !state.finished else { throw ResponseStreamError.alreadyFinished }
            state.finished = true
            return try state.deflater.finish(allocator: allocator)
        }
    }

    /// Whether ``finish()`` was called.
    var isFinished: Bool { state.withLock { $0.finished } }
}

extension ResponseBodyStream {
    /// `stream` with each write compressed with `coding`: sent chunked (the compressed length
    /// is not known in advance), the compressor flushed after every write and finished when
    /// the stream's function returns or calls `finish(trailers:)`.
    static func compressing(_ stream: ResponseBodyStream, with coding: ContentCoding, level: CompressionLevel) -> ResponseBodyStream {
        ResponseBodyStream { writer in
            let deflater = try StreamDeflater(coding: coding, level: level, allocator: writer.allocator)
            let compressing = ResponseBodyStreamWriter(
                allocator: writer.allocator,
                write: { buffer in
                    if let compressed = try deflater.compress(buffer) { try await writer.write(compressed) }
                },
                finish: { trailers in
                    try await writer.write(try deflater.finish())
                    try await writer.finish(trailers: trailers)
                }
            )
            try await stream.produce(into: compressing)
            if !deflater.isFinished { try await writer.write(try deflater.finish()) }
        }
    }
}
