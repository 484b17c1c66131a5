#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import Pronto

extension ResponseBodyStream {
    /// How much of a file is read and compressed at a time.
    static let filePieceSize = 64 * 1024

    /// `file`'s bytes compressed with `coding`, read a piece at a time: the whole file is
    /// never in memory, and the event loop serves other connections between pieces.
    ///
    /// Pieces are read with a blocking `pread` on the loop, as the engine reads small files:
    /// a file served often is in the page cache. Precompressed files (`app.js.gz` beside
    /// `app.js`) cost no CPU per request and are the better tool for static assets.
    static func compressing(_ file: FileBody, with coding: ContentCoding, level: CompressionLevel) -> ResponseBodyStream {
        ResponseBodyStream { writer in
            guard let descriptor = file.takeDescriptor() else {
                throw CompressedFileError(reason: "the FileBody was sent already")
            }
            defer { _ = close(descriptor) }
            let deflater = try Deflater(coding: coding, level: level)
            var piece = writer.allocator.buffer(capacity: min(file.length, filePieceSize))
            var done = 0
            while done < file.length {
                let wanted = min(file.length - done, filePieceSize)
                piece.clear()
                let read = piece.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { out in
                    FileReading.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: out[..<wanted]), at: file.offset + done)
                }
                guard read == wanted else {
                    throw CompressedFileError(reason: "read \(done + read) of \(file.length) bytes; did the file shrink?")
                }
                done += read
                let compressed = try deflater.deflate(&piece, flush: .no, allocator: writer.allocator)
                if compressed.readableBytes > 0 { try await writer.write(compressed) }
                // Compressing is CPU work on the loop: let its other connections in between pieces.
                await Task.yield()
            }
            try await writer.write(try deflater.finish(allocator: writer.allocator))
        }
    }
}

/// A file body could not be read for compression: a 500 before anything was sent, a cut
/// connection after.
struct CompressedFileError: Error, CustomStringConvertible {
    let reason: String
    var description: String { "cannot compress the file body: \(reason)" }
}
