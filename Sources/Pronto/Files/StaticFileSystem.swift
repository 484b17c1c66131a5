#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CProntoSystem

/// An open file: its descriptor and what `fstat` said about it. The descriptor is owned by
/// whoever holds this value, who closes it (``close()``) or hands it to a response body.
struct OpenedFile: Sendable {
    let descriptor: CInt
    let metadata: FileMetadata

    func close() {
        _ = systemClose(descriptor)
    }
}

/// The file-system half of serving a directory: resolves a checked ``StaticFilePath`` to
/// an open file inside the root, following symlinks only while they stay inside it.
///
/// The calls are made inline, on the event loop, without a thread pool: `realpath`, `open`
/// and `fstat` of a file in the page cache cost a few microseconds, less than a hop to
/// another thread and back (nginx does the same unless told to use aio). A root on a slow
/// or network file system would stall the loop for as long as each call takes; serve such
/// a directory from a route that moves the work off the loop instead.
///
/// Confinement, fast path (Linux 5.6+): the root is opened once, and each file is opened
/// relative to it with `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)`: the kernel
/// resolves the path and refuses to leave the root, in one call, with no race. A path with
/// a symlink in it fails that call (`ELOOP`) and takes the slow path.
///
/// Slow path (symlinks, or no `openat2`): the path is made canonical with `realpath` (every
/// symlink and `..` resolved) and must be the root's own canonical path or below it. A
/// symlink inside the root that points inside it works; one that points outside is a 404.
/// What remains is a race: someone who can write into the root could swap a directory for
/// a symlink between `realpath` and `open`. The root is assumed to be written only by
/// whoever deploys the site (as nginx assumes unless `disable_symlinks` is on).
struct StaticFileSystem: Sendable {
    /// What a path turned out to be.
    enum Lookup {
        /// A regular file, open; `path` is its canonical path (precompressed siblings are
        /// looked for next to it).
        case file(OpenedFile, path: [UInt8])
        /// A directory asked for without the trailing slash: redirect to the slash form.
        case directoryWithoutSlash
        /// Nothing servable: missing, outside the root, hidden, a directory without index,
        /// not a regular file, or not readable.
        case notFound
    }

    /// The root as configured (relative paths are relative to the working directory).
    let root: String
    /// The root's canonical path, found once at startup; nil when it did not exist then,
    /// in which case it is looked for on each request (a directory created later works).
    private let canonicalRoot: [UInt8]?
    /// The root, open for `openat2` (nil without it: the slow path only).
    private let rootDirectory: RootDirectory?
    let indexFile: String?
    let allowHidden: Bool

    init(root: String, indexFile: String?, allowHidden: Bool) {
        self.root = root
        self.canonicalRoot = Self.realPath(Array(root.utf8))
        self.rootDirectory = canonicalRoot.flatMap(RootDirectory.init)
        self.indexFile = indexFile
        self.allowHidden = allowHidden
    }

    /// Opens the file `path` names under the root.
    func lookUp(_ path: StaticFilePath) -> Lookup {
        if let rootDirectory, let root = canonicalRoot {
            switch rootDirectory.open(path.relative) {
            case .opened(let file):
                return classify(file, path, root: root, full: Self.join(root, path.relative)) { index in
                    let relative = Self.join(path.relative, index)
                    switch rootDirectory.open(relative) {
                    case .opened(let file): return (file, Self.join(root, relative))
                    case .missing: return nil
                    case .needsCanonicalPath: return openInside(root, Self.join(root, relative))
                    }
                }
            case .missing:
                return .notFound
            case .needsCanonicalPath:
                break
            }
        }
        return lookUpCanonically(path)
    }

    /// `base` + `/` + `name`, without an empty side's slash (`name` alone below the root,
    /// `base` alone for the root itself).
    private static func join(_ base: [UInt8], _ name: [UInt8]) -> [UInt8] {
        if base.isEmpty { return name }
        return name.isEmpty ? base : base + [UInt8(ascii: "/")] + name
    }

    /// What an open `file` at `full` is: a regular file, or a directory whose index
    /// `openIndex` opens.
    private func classify(
        _ file: OpenedFile, _ path: StaticFilePath, root: [UInt8], full: [UInt8], openIndex: ([UInt8]) -> (OpenedFile, [UInt8])?
    ) -> Lookup {
        switch file.metadata.kind {
        case .regular:
            // `app.css/` names a directory that is not there.
            guard !path.trailingSlash else {
                file.close()
                return .notFound
            }
            return .file(file, path: full)
        case .other:
            file.close()
            return .notFound
        case .directory:
            file.close()
            guard path.trailingSlash else { return .directoryWithoutSlash }
            guard let indexFile, !indexFile.isEmpty else { return .notFound }
            guard let index = openIndex(Array(indexFile.utf8)) else { return .notFound }
            guard index.0.metadata.kind == .regular else {
                index.0.close()
                return .notFound
            }
            return .file(index.0, path: index.1)
        }
    }

    /// The slow path: `realpath`, then a check that the result is inside the root.
    private func lookUpCanonically(_ path: StaticFilePath) -> Lookup {
        guard let root = canonicalRoot ?? Self.realPath(Array(self.root.utf8)) else { return .notFound }
        var full = root
        if !path.relative.isEmpty {
            full.append(UInt8(ascii: "/"))
            full += path.relative
        }
        guard let file = openInside(root, full) else { return .notFound }
        return classify(file.0, path, root: root, full: file.1) { index in
            openInside(root, file.1 + [UInt8(ascii: "/")] + index)
        }
    }

    /// Opens the precompressed sibling `path` + `coding`'s extension if it is a regular
    /// file. `O_NOFOLLOW`: a sibling that is a symlink is ignored rather than resolved and
    /// checked (it is never needed, and so can never escape the root).
    func openSibling(of path: [UInt8], _ coding: ContentCoding) -> OpenedFile? {
        guard let file = Self.open(path + Array(coding.fileExtension.utf8), noFollow: true) else { return nil }
        guard file.metadata.kind == .regular else {
            file.close()
            return nil
        }
        return file
    }

    /// Canonicalises `full`, checks it is `root` or below it (and not hidden, unless
    /// allowed), and opens it.
    private func openInside(_ root: [UInt8], _ full: [UInt8]) -> (OpenedFile, [UInt8])? {
        guard let canonical = Self.realPath(full), Self.isInside(canonical, root: root) else { return nil }
        // A symlink named `style.css` may point at `.env`: the target's name counts too.
        // (Below a root of `/` the rest starts without its slash, hence the first test.)
        let rest = canonical[root.count...]
        if !allowHidden, rest.first == UInt8(ascii: ".") || rest.contains(subsequence: [UInt8(ascii: "/"), UInt8(ascii: ".")]) {
            return nil
        }
        guard let file = Self.open(canonical, noFollow: false) else { return nil }
        return (file, canonical)
    }

    /// Whether `path` is `root` or inside it, both canonical: equal, or `root` followed by
    /// `/` (so that `/srv/www-secret` is not inside `/srv/www`).
    static func isInside(_ path: [UInt8], root: [UInt8]) -> Bool {
        guard path.count >= root.count, path[..<root.count].elementsEqual(root) else { return false }
        return path.count == root.count || path[root.count] == UInt8(ascii: "/") || root == [UInt8(ascii: "/")]
    }

    /// `realpath(3)`: the canonical absolute path, or nil if it does not resolve.
    static func realPath(_ path: [UInt8]) -> [UInt8]? {
        Self.withCString(path) { cPath -> [UInt8]? in
            guard let resolved = realpath(cPath, nil) else { return nil }
            defer { free(resolved) }
            return Array(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)))
        }
    }

    /// Opens `path` read-only and `fstat`s it. `O_NONBLOCK` so that opening a FIFO someone
    /// left in the root does not block the event loop (it changes nothing for regular
    /// files); `O_CLOEXEC` so a spawned process does not inherit it.
    static func open(_ path: [UInt8], noFollow: Bool) -> OpenedFile? {
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (noFollow ? O_NOFOLLOW : 0)
        let fd = Self.withCString(path) { systemOpen($0, flags) }
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            _ = systemClose(fd)
            return nil
        }
        return OpenedFile(descriptor: fd, metadata: metadata(info))
    }

    static func metadata(_ info: stat) -> FileMetadata {
        let kind: FileMetadata.Kind =
            switch info.st_mode & S_IFMT {
            case S_IFREG: .regular
            case S_IFDIR: .directory
            default: .other
            }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return FileMetadata(
            kind: kind, size: Int(info.st_size), modifiedSeconds: Int(modified.tv_sec),
            modifiedNanoseconds: Int(modified.tv_nsec), inode: UInt64(info.st_ino)
        )
    }

    /// Calls `body` with `path` as a NUL-terminated C string (paths here never contain NUL:
    /// ``StaticFilePath`` refuses it).
    static func withCString<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        var bytes = path
        bytes.append(0)
        return bytes.withUnsafeBytes { body($0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
    }
}

/// The root directory, open once for the fast path (see ``StaticFileSystem``).
final class RootDirectory: Sendable {
    let descriptor: CInt

    /// Opens `path` (canonical) as a directory; nil when it cannot be.
    init?(_ path: [UInt8]) {
        let fd = StaticFileSystem.withCString(path) { systemOpen($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        descriptor = fd
    }

    deinit { _ = systemClose(descriptor) }

    enum Opened {
        case opened(OpenedFile)
        /// Not there (or not readable): a 404.
        case missing
        /// A symlink is on the way, or `openat2` is not available: resolve it the slow way.
        case needsCanonicalPath
    }

    /// Opens `relative` (checked by ``StaticFilePath``: no `.` or `..`) below the root,
    /// following no symlink, and `fstat`s it.
    func open(_ relative: [UInt8]) -> Opened {
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY
        let fd = StaticFileSystem.withCString(relative.isEmpty ? [UInt8(ascii: ".")] : relative) {
            pronto_open_beneath(descriptor, $0, flags, 1)
        }
        guard fd >= 0 else {
            switch errno {
            case ELOOP, ENOSYS, EXDEV, EAGAIN: return .needsCanonicalPath
            default: return .missing
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            _ = systemClose(fd)
            return .missing
        }
        return .opened(OpenedFile(descriptor: fd, metadata: StaticFileSystem.metadata(info)))
    }
}

private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: CInt) -> CInt {
    open(path, flags)
}

private func systemClose(_ fd: CInt) -> CInt {
    close(fd)
}

extension ArraySlice<UInt8> {
    /// Whether `needle` occurs in the slice.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard count >= needle.count else { return false }
        var i = startIndex
        while i <= endIndex - needle.count {
            if self[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
