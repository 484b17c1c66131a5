#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

// The one place where a plan becomes a `Response` whose body is the file: the glue between
// the file logic (which knows nothing of bodies) and the engine's file and stream bodies.

extension FileResponsePlan {
    /// The response carrying this plan, its body read from `file`. Takes ownership of
    /// `file`: it is closed here when the body needs none of it, else by the body.
    func response(serving file: OpenedFile) -> Response {
        var response = Response(status: status, contentType: contentType, headers: headers)
        switch body {
        case .none:
            file.close()
        case .range(let range):
            // One range, or the whole file: the engine sends it with `sendfile` (or reads a
            // small one beside the head) and closes the descriptor, also for HEAD.
            response.body = .file(FileBody(takingDescriptor: file.descriptor, offset: range.lowerBound, length: range.count))
        case .multipart(let layout):
            // The parts' heads interleave with the file's bytes, so `sendfile` does not fit:
            // stream them, reading each range in pieces. The exact length is known up front.
            let owner = FileDescriptorOwner(file.descriptor)
            response.body = .stream(ResponseBodyStream(contentLength: layout.contentLength) { writer in
                try await Self.writeMultipart(layout, from: owner, to: writer)
            })
        }
        return response
    }

    /// The response carrying this plan, its body taken from `bytes` (a file kept in memory,
    /// see ``StaticFileCache``): slices, no copy.
    func response(servingBytes bytes: ByteBuffer) -> Response {
        var response = Response(status: status, contentType: contentType, headers: headers)
        switch body {
        case .none:
            break
        case .range(let range):
            response.body = .bytes(bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count)!)
        case .multipart(let layout):
            response.body = .stream(ResponseBodyStream(contentLength: layout.contentLength) { writer in
                for part in layout.parts {
                    try await writer.write(part.head)
                    try await writer.write(bytes.getSlice(at: bytes.readerIndex + part.range.lowerBound, length: part.range.count)!)
                }
                try await writer.write(layout.epilogue)
            })
        }
        return response
    }

    /// Bytes read per `pread` for a multipart body: big enough to keep system calls few, small
    /// enough that a connection holds little memory while the client reads slowly.
    static let multipartPieceSize = 64 * 1024

    static func writeMultipart(_ layout: MultipartByteRanges, from file: FileDescriptorOwner, to writer: ResponseBodyStreamWriter) async throws {
        for part in layout.parts {
            try await writer.write(part.head)
            var offset = part.range.lowerBound
            while offset < part.range.upperBound {
                let count = min(multipartPieceSize, part.range.upperBound - offset)
                var buffer = writer.allocator.buffer(capacity: count)
                try file.read(at: offset, count: count, into: &buffer)
                offset += count
                try await writer.write(buffer)
            }
        }
        try await writer.write(layout.epilogue)
    }
}

/// Owns a descriptor for a streamed body: closed when the last reference goes, whether the
/// body was sent or not (a HEAD request, a connection closed first).
final class FileDescriptorOwner: Sendable {
    let descriptor: CInt

    init(_ descriptor: CInt) {
        self.descriptor = descriptor
    }

    deinit {
        _ = close(descriptor)
    }

    /// Appends bytes `offset ..< offset + count` of the file to `buffer`, with `pread` (the
    /// offset is explicit: the descriptor's shared position is never used).
    ///
    /// - Throws: ``FileChangedError`` when the file gives fewer bytes: it shrank after its
    ///   size was announced, so the body cannot be completed (the engine cuts the connection).
    func read(at offset: Int, count: Int, into buffer: inout ByteBuffer) throws {
        try Self.read(descriptor, at: offset, count: count, into: &buffer)
    }

    /// ``read(at:count:into:)`` on a descriptor owned elsewhere.
    static func read(_ descriptor: CInt, at offset: Int, count: Int, into buffer: inout ByteBuffer) throws {
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
            FileReading.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: out[..<count]), at: offset)
        }
        guard read == count else { throw FileChangedError(expected: count, read: read) }
    }
}

/// A file gave fewer bytes than its size said: it changed while being served.
struct FileChangedError: Error, CustomStringConvertible {
    let expected: Int
    let read: Int
    var description: String { "static file shrank while served: \(read) of \(expected) bytes read" }
}
