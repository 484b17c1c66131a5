#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The supervisor's UNIX socket for `--status` (``ServerConfiguration/controlSocketPath``):
/// a client connects and reads the status report until the supervisor closes.
struct ControlSocket {
    let descriptor: CInt
    let path: String

    /// Listens at `path` (a socket file left there by an earlier run is replaced).
    init(path: String) throws {
        let address = try Self.address(path)
        UnixSocketAddress.removeStaleSocket(at: path)
        let descriptor = ProcessSpawner.moveHigh(socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0))
        let bound = address.withSockaddr { bind(descriptor, $0, $1) }
        guard descriptor >= 0, bound == 0, listen(descriptor, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { closeDescriptor(descriptor) }
            throw SupervisorError.controlSocket(path, reason)
        }
        self.descriptor = descriptor
        self.path = path
    }

    /// The clients waiting to be answered.
    func acceptAll() -> [CInt] {
        var clients: [CInt] = []
        while true {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { return clients }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            clients.append(client)
        }
    }

    /// Sends `report` to `client` and closes it. The report is a few hundred bytes: it fits
    /// the socket's buffer, so the write does not wait for the client.
    static func reply(_ report: String, to client: CInt) {
        var bytes = Array(report.utf8)
        _ = bytes.withUnsafeMutableBytes { send(client, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        closeDescriptor(client)
    }

    /// Stops listening and removes the socket file.
    func close() {
        closeDescriptor(descriptor)
        unlink(path)
    }

    /// The report from the supervisor listening at `path` (waits at most 5 s).
    static func request(path: String) throws -> String {
        let address = try Self.address(path)
        let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard client >= 0 else { throw SupervisorError.controlSocket(path, String(cString: strerror(errno))) }
        defer { closeDescriptor(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = address.withSockaddr { connect(client, $0, $1) }
        guard connected == 0 else {
            throw SupervisorError.controlSocket(path, "\(String(cString: strerror(errno))) (is a supervisor running with this control socket?)")
        }
        var report: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count > 0 { report += buffer[..<count]; continue }
            guard count == 0 else { throw SupervisorError.controlSocket(path, "no answer: \(String(cString: strerror(errno)))") }
            return String(decoding: report, as: UTF8.self)
        }
    }

    private static func address(_ path: String) throws -> UnixSocketAddress {
        guard let address = UnixSocketAddress(path: path) else {
            throw SupervisorError.controlSocket(path, "a UNIX socket path must have 1 to \(UnixSocketAddress.maxPathLength) bytes")
        }
        return address
    }
}
