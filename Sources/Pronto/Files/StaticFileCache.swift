import NIOConcurrencyHelpers
import NIOCore

/// Small static files kept in memory, so that a file asked for often is served without a
/// system call: no `open`, `fstat`, `read` or `close` per request, only the write.
///
/// An entry is trusted for ``StaticFileOptions/MemoryCache/revalidateAfter`` after it was
/// read or checked; then the next request for it looks the file up again (`open` and
/// `fstat`, the usual safe path) and keeps the bytes when the file is the same (size,
/// nanosecond modification time and inode), or reads it anew. So a deployed change shows
/// within that interval, as with nginx's `open_file_cache_valid`. Files above
/// ``StaticFileOptions/MemoryCache/maxFileSize`` are never cached (they go out with
/// `sendfile`); the cache holds at most ``StaticFileOptions/MemoryCache/maxTotalSize``
/// bytes. One lock per look-up (the cache is shared by the event loops).
final class StaticFileCache: Sendable {
    /// A file's representation as served: its bytes and everything its headers need.
    struct Entry: Sendable {
        let bytes: ByteBuffer
        let metadata: FileMetadata
        let representation: FileRepresentation
        /// When the file was last read or checked (uptime nanoseconds).
        var checkedAt: UInt64
    }

    /// Which request an entry answers: the path below the mount, and the codings the client
    /// accepts (a `br` client and a plain one get different representations).
    struct Key: Hashable, Sendable {
        let path: [UInt8]
        let trailingSlash: Bool
        let accepted: [ContentCoding]
    }

    let settings: StaticFileOptions.MemoryCache
    private let state = NIOLockedValueBox<(entries: [Key: Entry], size: Int)>(([:], 0))

    init(_ settings: StaticFileOptions.MemoryCache) {
        self.settings = settings
    }

    /// The entry for `key` if it is still trusted at `now`, else nil.
    func fresh(_ key: Key, now: UInt64) -> Entry? {
        state.withLockedValue { state in
            guard let entry = state.entries[key], now &- entry.checkedAt < UInt64(settings.revalidateAfter.nanoseconds) else { return nil }
            return entry
        }
    }

    /// The entry for `key`, whatever its age: its bytes are reused when the file is unchanged.
    func stale(_ key: Key) -> Entry? {
        state.withLockedValue { $0.entries[key] }
    }

    /// Stores (or refreshes) `entry`, evicting others to stay within the total size.
    func store(_ key: Key, _ entry: Entry) {
        let size = entry.bytes.readableBytes
        guard size <= settings.maxFileSize, size <= settings.maxTotalSize else { return }
        state.withLockedValue { state in
            if let old = state.entries.removeValue(forKey: key) { state.size -= old.bytes.readableBytes }
            while state.size + size > settings.maxTotalSize, let victim = state.entries.first {
                state.entries.remove(at: state.entries.startIndex)
                state.size -= victim.value.bytes.readableBytes
            }
            state.entries[key] = entry
            state.size += size
        }
    }

    /// Bytes held (for tests).
    var size: Int { state.withLockedValue { $0.size } }
}

extension StaticFileOptions {
    /// Keeps small files in memory (see ``StaticFileOptions/memoryCache``).
    public struct MemoryCache: Sendable, Equatable {
        /// The largest file kept (default 64 KiB): larger ones go out with `sendfile`.
        public var maxFileSize: Int
        /// The most bytes kept for one `static` mount (default 16 MiB).
        public var maxTotalSize: Int
        /// How long a kept file is served without looking at the file system (default 1 s):
        /// a change on disk shows within this interval.
        public var revalidateAfter: TimeAmount

        /// A cache keeping files up to `maxFileSize` bytes, `maxTotalSize` in all, each checked against the disk again after `revalidateAfter`.
        public init(maxFileSize: Int = 64 * 1024, maxTotalSize: Int = 16 * 1024 * 1024, revalidateAfter: TimeAmount = .seconds(1)) {
            self.maxFileSize = maxFileSize
            self.maxTotalSize = maxTotalSize
            self.revalidateAfter = revalidateAfter
        }
    }
}
