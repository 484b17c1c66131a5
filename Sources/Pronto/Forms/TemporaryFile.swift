#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import Synchronization

// Disk I/O for uploads runs as plain POSIX calls (open, write, rename, unlink, close) on
// NIO's shared `NIOThreadPool`, awaited by the handler, so an event loop never blocks on
// the disk. Why not the other two ways NIO offers:
// - `NonBlockingFileIO` does exactly this, but in swift-nio 2.101 its `openFile` is
//   deprecated and its `NIOFileHandle` traps when dropped unclosed, which an error path
//   (a limit hit mid-file, a client gone) must then never get wrong;
// - `NIOFileSystem` is still the underscored `_NIOFileSystem` product, one more module to
//   build for the four system calls we need.
// A file descriptor we own, closed on every path, is the smallest correct thing.

// `TemporaryFileWriter` has its own `write` and `close`, which would shadow these.
private func posixClose(_ descriptor: CInt) -> CInt { close(descriptor) }
private func posixWrite(_ descriptor: CInt, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, bytes, count) }

/// A temporary file that removes itself when the last reference to it goes, unless it was
/// moved away or removed first.
final class TemporaryFile: Sendable {
    let path: String
    /// True while the file is ours to remove (not yet removed, not moved to the caller's path).
    private let owned = Atomic(true)

    init(path: String) { self.path = path }

    deinit {
        guard owned.exchange(false, ordering: .acquiringAndReleasing) else { return }
        // The last copy of an `UploadedFile` may go on an event loop; unlinking a large
        // file frees its blocks, which can take a while, so the pool does it. Nobody waits
        // for it: call `UploadedFile.delete()` to know the file is gone.
        let path = path
        NIOThreadPool.singleton.submit { _ in _ = unlink(path) }
    }

    /// Removes the file now (on the thread pool), once: later calls do nothing.
    func remove() async {
        guard owned.exchange(false, ordering: .acquiringAndReleasing) else { return }
        let path = path
        _ = try? await NIOThreadPool.singleton.runIfActive { unlink(path) }
    }

    /// Renames the file to `destination`, which is the caller's from then on.
    func move(to destination: String) async throws {
        guard owned.exchange(false, ordering: .acquiringAndReleasing) else {
            throw IOError(errnoCode: ENOENT, reason: "the uploaded file \(path) was already moved or deleted")
        }
        let path = path
        do {
            try await NIOThreadPool.singleton.runIfActive {
                // rename(2) cannot cross file systems (EXDEV): configure
                // `MultipartLimits.temporaryDirectory` on the destination's file system.
                guard rename(path, destination) == 0 else { throw IOError(errnoCode: errno, reason: "rename \(path) to \(destination)") }
            }
        } catch {
            owned.store(true, ordering: .releasing)  // still ours: the deinit removes it
            throw error
        }
    }
}

/// Writes one upload to a new temporary file from an async context, the blocking calls on
/// the thread pool. Small chunks are gathered up to ``batchSize`` so a body arriving in
/// small reads does not cost a pool hop per read.
struct TemporaryFileWriter {
    static let batchSize = 64 * 1024

    let file: TemporaryFile
    private let descriptor: CInt
    private var pending = ByteBuffer()
    private(set) var size = 0

    private init(file: TemporaryFile, descriptor: CInt) {
        self.file = file
        self.descriptor = descriptor
    }

    /// Creates a file of a random name in `directory`, readable by this user only, never
    /// reusing an existing path (`O_EXCL`).
    static func create(in directory: String) async throws -> TemporaryFileWriter {
        let path = directory + (directory.hasSuffix("/") ? "" : "/")
            + "pronto-upload-" + String(UInt64.random(in: .min ... .max), radix: 36) + String(UInt64.random(in: .min ... .max), radix: 36)
        let descriptor = try await NIOThreadPool.singleton.runIfActive {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "open \(path)") }
            return descriptor
        }
        return TemporaryFileWriter(file: TemporaryFile(path: path), descriptor: descriptor)
    }

    /// Appends `buffer` to the file (written when a batch is full, or at ``close()``).
    mutating func write(_ buffer: ByteBuffer) async throws {
        size += buffer.readableBytes
        if pending.readableBytes == 0, buffer.readableBytes >= Self.batchSize {
            return try await flush(buffer)  // a big chunk goes as it is, not copied
        }
        pending.writeImmutableBuffer(buffer)
        if pending.readableBytes >= Self.batchSize {
            try await flush(pending)
            pending.clear()
        }
    }

    /// Writes what is pending and closes the descriptor. Closes it also when the write
    /// fails; the file itself stays for its owner to remove.
    mutating func close() async throws {
        let descriptor = descriptor
        let rest = pending
        pending = ByteBuffer()
        try await NIOThreadPool.singleton.runIfActive {
            defer { _ = posixClose(descriptor) }
            try Self.writeAll(rest, to: descriptor)
        }
    }

    /// Closes the descriptor without writing what is pending, on an error path.
    func abandon() async {
        let descriptor = descriptor
        _ = try? await NIOThreadPool.singleton.runIfActive { _ = posixClose(descriptor) }
    }

    private func flush(_ buffer: ByteBuffer) async throws {
        let descriptor = descriptor
        try await NIOThreadPool.singleton.runIfActive { try Self.writeAll(buffer, to: descriptor) }
    }

    /// write(2) until every byte is written (it may write fewer), retrying on EINTR.
    private static func writeAll(_ buffer: ByteBuffer, to descriptor: CInt) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = posixWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw IOError(errnoCode: errno, reason: "write to an uploaded file")
                }
                offset += written
            }
        }
    }
}
