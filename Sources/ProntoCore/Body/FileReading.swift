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
