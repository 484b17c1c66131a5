#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A response body read from a file: bytes `offset ..< offset + length` of an open file.
///
/// The engine sends it without reading it whole into memory: a large region goes out with
/// `sendfile` (NIO's `FileRegion`), a small one is read straight into the connection's output
/// buffer beside its head, so a small static file costs one write like any other response.
///
/// A `FileBody` owns its descriptor: the engine closes it once the bytes are sent (or the
/// response is dropped: a HEAD request, a closed connection), and so does `deinit` if the
/// body is never sent. The file must not shrink while it is sent: the head has announced
/// ``length`` bytes, and the connection closes if fewer can be read.
public final class FileBody: Sendable {
    /// The first byte sent.
    public let offset: Int
    /// How many bytes are sent (the response's Content-Length).
    public let length: Int
    // Atomic only in spirit: the descriptor is taken once, on the connection's event loop,
    // and `deinit` runs after every other use; a lock would guard nothing more.
    nonisolated(unsafe) private var descriptor: CInt

    /// Takes ownership of `descriptor`, an open file, to send `length` bytes from `offset`.
    public init(takingDescriptor descriptor: CInt, offset: Int, length: Int) {
        precondition(offset >= 0 && length >= 0, "FileBody: offset (\(offset)) and length (\(length)) must not be negative")
        self.descriptor = descriptor
        self.offset = offset
        self.length = length
    }

    /// Opens the file at `path` to send `length` bytes from `offset` (nil: to the end).
    ///
    /// - Throws: ``FileBodyError`` when the file cannot be opened or is not a regular file,
    ///   or the range lies outside it.
    public convenience init(path: String, offset: Int = 0, length: Int? = nil) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileBodyError(path: path, reason: "cannot open it (errno \(errno))") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw FileBodyError(path: path, reason: "it is not a regular file")
        }
        let size = Int(info.st_size)
        let count = length ?? (size - offset)
        guard offset >= 0, count >= 0, offset + count <= size else {
            close(fd)
            throw FileBodyError(path: path, reason: "bytes \(offset)..<\(offset + (length ?? 0)) lie outside its \(size) bytes")
        }
        self.init(takingDescriptor: fd, offset: offset, length: count)
    }

    /// Hands the descriptor over (the caller closes it); nil once taken. `package`: the
    /// compression middleware reads a file it compresses through it.
    package func takeDescriptor() -> CInt? {
        guard descriptor >= 0 else { return nil }
        defer { descriptor = -1 }
        return descriptor
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}

/// A file could not be used as a response body.
public struct FileBodyError: Error, CustomStringConvertible {
    /// The file's path.
    public let path: String
    /// Why it could not be sent (the system's error).
    public let reason: String
    public var description: String { "cannot send \(path): \(reason)" }
}
