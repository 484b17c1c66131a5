import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A listening socket this process was given instead of binding one itself: by Pronto's
/// supervisor (the process is one of its workers), or by systemd (socket activation).
///
/// Sharing one listening socket is what lets workers be replaced without refusing a
/// connection: a connection waits in the socket's queue until some process accepts it,
/// whichever worker closes its copy. (With `SO_REUSEPORT`, each process would have its own
/// queue, and the connections queued on a closing one would be reset.)
enum InheritedListener: Equatable, Sendable {
    /// A worker of Pronto's supervisor: its slot, the listening socket and its end of the
    /// control socket (``WorkerLink``).
    case worker(slot: Int, listener: CInt, control: CInt)
    /// systemd's socket activation: `LISTEN_FDS=1` for this process (`LISTEN_PID`); the
    /// socket is descriptor 3.
    case systemd(listener: CInt)
    /// A socket handed to a server in the supervisor's own process (the build's error page
    /// of development reload).
    case socket(CInt)

    /// The variable a supervisor sets for its workers: `slot,listener,control`.
    static let workerVariable = "PRONTO_WORKER"

    /// The listening socket's descriptor.
    var listener: CInt {
        switch self {
        case .worker(_, let listener, _), .systemd(let listener), .socket(let listener): listener
        }
    }

    /// What `environment` gives a process whose id is `pid`: nil when it gives no socket
    /// (the process binds its own).
    ///
    /// - Throws: ``ConfigurationError`` for a malformed `PRONTO_WORKER`, or `LISTEN_FDS`
    ///   passing more than one socket (Pronto serves one).
    static func from(environment: [String: String], pid: Int32) throws -> InheritedListener? {
        if let value = environment[workerVariable] {
            let numbers = value.split(separator: ",", omittingEmptySubsequences: false).map { Int32($0) }
            guard numbers.count == 3, let slot = numbers[0], let listener = numbers[1], let control = numbers[2],
                  slot >= 0, listener >= 0, control >= 0 else {
                throw ConfigurationError(
                    variable: workerVariable, value: value,
                    expected: "slot,listener,control (three descriptors' numbers, set by Pronto's supervisor for its workers; unset it to run the app alone)")
            }
            return .worker(slot: Int(slot), listener: listener, control: control)
        }
        // sd_listen_fds(3): the variables are for the process they name, not its children.
        guard let listenPID = environment["LISTEN_PID"], Int32(listenPID) == pid,
              let count = environment["LISTEN_FDS"] else { return nil }
        guard count == "1" else {
            throw ConfigurationError(
                variable: "LISTEN_FDS", value: count,
                expected: "1: Pronto serves one listening socket (give the service one ListenStream= in its .socket unit)")
        }
        return .systemd(listener: 3)
    }

    private static let claimed = NIOLockedValueBox(false)

    /// The listener this process inherited, for the first caller only: one server of the
    /// process adopts it; any other binds its own address.
    static func claim() throws -> InheritedListener? {
        guard let inherited = try from(environment: ProcessEnvironment.current(), pid: getpid()) else { return nil }
        let first = claimed.withLockedValue { claimed in
            defer { claimed = true }
            return !claimed
        }
        guard first else { return nil }
        // Not handed on to processes the app starts.
        _ = fcntl(inherited.listener, F_SETFD, FD_CLOEXEC)
        if case .worker(_, _, let control) = inherited { _ = fcntl(control, F_SETFD, FD_CLOEXEC) }
        return inherited
    }

    /// Whether this process runs as one of a supervisor's workers.
    static var isWorker: Bool { getenv(workerVariable) != nil }
}

/// The process's environment variables.
enum ProcessEnvironment {
    /// Every variable of `environ`, by name.
    static func current() -> [String: String] {
        var variables: [String: String] = [:]
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }
}
