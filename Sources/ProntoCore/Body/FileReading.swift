#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a file's bytes at an offset, for the bodies that are read rather than sent with
/// `sendfile` (small files, compressed files, multipart ranges).
package enum FileReading {
    /// Reads `buffer.count` bytes at `offset` with `pread` (the descriptor's shared position
    /// is never used), retrying short reads and `EINTR`; returns how many it got (fewer only
    /// at the end of the file or on an error).
    package static func read(_ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        var done = 0
        while done < buffer.count {
            // In bounds: `done < buffer.count`, and at most `buffer.count - done` bytes are read.
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        return done
    }
}

extension FileBody {
    /// Bytes read per write when a file is streamed rather than sent with `sendfile`.
    static let streamedReadSize = 64 * 1024

    /// The file's bytes as a stream of 64 KiB reads (`pread` on the loop: a served file is
    /// usually in the page cache), for transports `sendfile` cannot use (TLS, HTTP/2). The
    /// descriptor is taken by the stream and closed when it ends.
    package func readingStream() -> ResponseBodyStream {
        let offset = self.offset
        let length = self.length
        return ResponseBodyStream(contentLength: length) { writer in
            guard let descriptor = self.takeDescriptor() else {
                throw FileBodyError(path: "(descriptor)", reason: "the FileBody was sent already")
            }
            defer { close(descriptor) }
            var sent = 0
            while sent < length {
                let count = min(Self.streamedReadSize, length - sent)
                var buffer = writer.allocator.buffer(capacity: count)
                let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
                    FileReading.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: out[..<count]), at: offset + sent)
                }
                guard read == count else {
                    throw FileBodyError(path: "(descriptor)", reason: "read \(sent + read) of \(length) bytes; did the file shrink?")
                }
                sent += count
                try await writer.write(buffer)
            }
        }
    }
}
