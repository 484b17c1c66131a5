#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Changes to source files under some folders, through inotify: one watch per folder
/// (inotify is not recursive), added as folders appear.
final class SourceWatcher {
    let descriptor: CInt
    private var folders: [CInt: String] = [:]
    private let suffixes: [String]
    private static let events = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)

    init(folders roots: [String], suffixes: [String]) throws {
        descriptor = ProcessSpawner.moveHigh(inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)))
        self.suffixes = suffixes
        guard descriptor >= 0 else { throw SupervisorError.cannotReload("inotify: \(String(cString: strerror(errno)))") }
        for root in roots {
            guard addWatches(root) else {
                throw SupervisorError.cannotReload("cannot watch \(root): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Watches `folder` and its subfolders but hidden ones; false when `folder` cannot be.
    @discardableResult
    private func addWatches(_ folder: String) -> Bool {
        let handle = inotify_add_watch(descriptor, folder, Self.events | UInt32(IN_ONLYDIR))
        guard handle >= 0 else { return false }
        folders[handle] = folder
        guard let directory = opendir(folder) else { return true }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if entry.pointee.d_type == UInt8(DT_DIR), !name.hasPrefix(".") { addWatches(folder + "/" + name) }
        }
        return true
    }

    /// Reads the events waiting; true when a watched kind of file changed.
    func readChanges() -> Bool {
        var changed = false
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return changed }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let (handle, mask, length) = buffer.withUnsafeBytes { bytes in
                    (bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                     bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + header)..<min(offset + header + length, count)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                offset += header + length
                if mask & UInt32(IN_ISDIR) != 0 {
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, !name.hasPrefix("."), let parent = folders[handle] {
                        addWatches(parent + "/" + name)
                        changed = true  // a folder moved in may hold sources
                    }
                } else if suffixes.contains(where: { name.hasSuffix($0) }) {
                    changed = true
                }
            }
        }
    }

    func close() {
        closeDescriptor(descriptor)
    }
}
