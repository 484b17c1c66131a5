#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

// The one place where a plan becomes a `Response` with a body made of the file: the glue
// between the file logic (which knows nothing of bodies) and the engine.
//
// Until the engine's file and stream bodies land (`Response.Body.file(FileBody)`,
// `.stream(ResponseBodyStream)`), the bytes are read with `pread` into the output buffer
// by a body writer of known length. That is correct but holds a whole range in memory
// while it is sent; the engine's bodies send with `sendfile` and in pieces.

extension FileResponsePlan {
    /// The response carrying this plan, its body read from `file`. Takes ownership of
    /// `file`: it is closed here when the body needs none of it, else by the body.
    func response(serving file: OpenedFile) -> Response {
        var response = Response(status: status, contentType: contentType, headers: headers)
        switch body {
        case .none:
            file.close()
        case .range(let range):
            response.body = .writer(FileRangesWriter(file: FileDescriptorOwner(file.descriptor), pieces: [.file(range)]))
        case .multipart(let multipart):
            var pieces: [FileRangesWriter.Piece] = []
            pieces.reserveCapacity(multipart.parts.count * 2 + 1)
            for part in multipart.parts {
                pieces.append(.text(part.head))
                pieces.append(.file(part.range))
            }
            pieces.append(.text(multipart.epilogue))
            response.body = .writer(FileRangesWriter(file: FileDescriptorOwner(file.descriptor), pieces: pieces))
        }
        return response
    }
}

/// Closes its descriptor when the last reference goes, whether the body was written or
/// not (a HEAD request, a connection closed first).
final class FileDescriptorOwner: Sendable {
    let descriptor: CInt

    init(_ descriptor: CInt) {
        self.descriptor = descriptor
    }

    deinit {
        _ = close(descriptor)
    }
}

/// A body of file ranges and text pieces, read with `pread` (the offset is explicit, so the
/// descriptor has no shared position to get wrong). Its length is known up front; a file
/// that shrank meanwhile makes the write throw, and the engine answers 500 instead of a
/// short body.
struct FileRangesWriter: ResponseBodyWriter {
    enum Piece: Sendable {
        case text(String)
        case file(Range<Int>)
    }

    let file: FileDescriptorOwner
    let pieces: [Piece]

    var contentLength: Int? {
        pieces.reduce(0) { total, piece in
            switch piece {
            case .text(let text): total + text.utf8.count
            case .file(let range): total + range.count
            }
        }
    }

    func write(into buffer: inout ByteBuffer) throws {
        for piece in pieces {
            switch piece {
            case .text(let text):
                buffer.writeString(text)
            case .file(let range):
                try Self.read(file.descriptor, range, into: &buffer)
            }
        }
    }

    /// Appends bytes `range` of `descriptor` to `buffer`.
    static func read(_ descriptor: CInt, _ range: Range<Int>, into buffer: inout ByteBuffer) throws {
        guard !range.isEmpty else { return }
        let start = buffer.writerIndex
        var done = 0
        buffer.reserveCapacity(minimumWritableBytes: range.count)
        while done < range.count {
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: range.count - done) { out in
                let n = pread(descriptor, out.baseAddress, range.count - done, off_t(range.lowerBound + done))
                return n > 0 ? n : 0
            }
            if count == 0 {
                if errno == EINTR { continue }
                buffer.moveWriterIndex(to: start)
                throw FileChangedError(expected: range.count, read: done)
            }
            done += count
        }
    }
}

/// A file gave fewer bytes than its size said: it changed while being served.
struct FileChangedError: Error, CustomStringConvertible {
    let expected: Int
    let read: Int
    var description: String { "static file shrank while served: \(read) of \(expected) bytes read" }
}
