#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A UNIX domain socket's address, for the supervisor's sockets (its listening socket and
/// its control socket), which it makes with plain system calls.
struct UnixSocketAddress {
    private var address = sockaddr_un()

    /// The longest path an address holds, in bytes (the terminating zero takes one more).
    static var maxPathLength: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1 }

    /// The address of `path`; nil when the path is empty or longer than ``maxPathLength``.
    init?(path: String) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maxPathLength else { return nil }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
    }

    /// Calls `body` with the address as a `sockaddr` and its length (for `bind`, `connect`).
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Removes a socket file left at `path` by an earlier run (as the in-process server
    /// does), and nothing else: a regular file there stays, and binding reports it.
    static func removeStaleSocket(at path: String) {
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
    }
}
