#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The supervisor's listening socket, made with plain system calls: the supervisor runs no
/// event loop, it only binds the socket once and hands it to each worker it starts.
enum ListeningSocket {
    /// Binds and listens on `target`. The descriptor is close-on-exec (a worker gets its
    /// own copy, made for it) and blocking (each worker sets its copy's mode through NIO).
    ///
    /// - Throws: ``SupervisorError/cannotListen(_:_:)`` with the system's reason.
    static func make(on target: BindTarget, backlog: Int32, reusePort: Bool) throws -> CInt {
        switch target {
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var results: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &results)
            guard status == 0, let first = results else {
                throw SupervisorError.cannotListen(target, String(cString: gai_strerror(status)))
            }
            defer { freeaddrinfo(results) }
            let socket = try make(family: first.pointee.ai_family, target: target)
            var one: CInt = 1
            setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
            if reusePort { setsockopt(socket, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<CInt>.size)) }
            try finish(socket, target: target, backlog: backlog) { bind(socket, first.pointee.ai_addr, first.pointee.ai_addrlen) }
            return socket
        case .unixSocket(let path):
            guard let address = UnixSocketAddress(path: path) else {
                throw SupervisorError.cannotListen(
                    target, "a UNIX socket path must have 1 to \(UnixSocketAddress.maxPathLength) bytes"
                )
            }
            UnixSocketAddress.removeStaleSocket(at: path)
            let socket = try make(family: AF_UNIX, target: target)
            try finish(socket, target: target, backlog: backlog) { address.withSockaddr { bind(socket, $0, $1) } }
            return socket
        }
    }

    private static func make(family: CInt, target: BindTarget) throws -> CInt {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SupervisorError.cannotListen(target, String(cString: strerror(errno))) }
        return descriptor
    }

    private static func finish(_ socket: CInt, target: BindTarget, backlog: Int32, binding: () -> CInt) throws {
        guard binding() == 0, listen(socket, backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw SupervisorError.cannotListen(target, reason)
        }
    }

    /// Whether `socket` is a TCP socket (IPv4 or IPv6), not a UNIX one.
    static func isTCP(_ socket: CInt) -> Bool {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return status == 0 && (Int32(address.ss_family) == AF_INET || Int32(address.ss_family) == AF_INET6)
    }

    /// `host:port` (`[host]:port` for IPv6) or `unix:path`: where `socket` listens, with the
    /// port the system chose when 0 was asked.
    static func address(of socket: CInt) -> String {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard status == 0 else { return "?" }
        let family = Int32(address.ss_family)
        return withUnsafePointer(to: &address) { pointer -> String in
            switch family {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                    var copy = inet.pointee.sin_addr
                    return "\(text(AF_INET, &copy)):\(UInt16(bigEndian: inet.pointee.sin_port))"
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet6 in
                    var copy = inet6.pointee.sin6_addr
                    return "[\(text(AF_INET6, &copy))]:\(UInt16(bigEndian: inet6.pointee.sin6_port))"
                }
            case AF_UNIX:
                return pointer.withMemoryRebound(to: sockaddr_un.self, capacity: 1) { unix in
                    var path = unix.pointee.sun_path
                    return "unix:" + withUnsafeBytes(of: &path) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                }
            default:
                return "?"
            }
        }
    }

    private static func text(_ family: CInt, _ address: UnsafeRawPointer) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
