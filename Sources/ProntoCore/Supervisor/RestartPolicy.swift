import NIOCore

/// When the supervisor starts a worker again after it died, and when it gives up.
///
/// A worker that had served for a while (``minimumUptime``) and died is restarted at once:
/// one trap in a handler must cost one process's connections, not the service. A worker
/// that dies before it is ready, or soon after, most likely dies of its start (a bad
/// configuration, a database that refuses it): it is started again after a delay that
/// doubles each time, and after ``maximumStartFailures`` such deaths in a row the
/// supervisor stops and says why, rather than loop for ever.
public struct RestartPolicy: Sendable, Equatable {
    /// How long a worker must have been ready for its death not to count as a failure to
    /// start (default 1 s).
    public var minimumUptime: TimeAmount
    /// Failures to start in a row, in one slot, after which the supervisor stops (default 5).
    public var maximumStartFailures: Int
    /// The delay before the first restart after a failure to start; each further one
    /// doubles it (default 100 ms).
    public var firstDelay: TimeAmount
    /// The longest delay between restarts (default 5 s).
    public var maximumDelay: TimeAmount
    /// How long a worker may take from its start to accepting (its startup hooks included)
    /// before it is killed and counted as a failure to start (default 60 s).
    public var startTimeout: TimeAmount

    /// A policy; every argument has the default described on its property.
    public init(
        minimumUptime: TimeAmount = .seconds(1), maximumStartFailures: Int = 5,
        firstDelay: TimeAmount = .milliseconds(100), maximumDelay: TimeAmount = .seconds(5),
        startTimeout: TimeAmount = .seconds(60)
    ) {
        self.minimumUptime = minimumUptime
        self.maximumStartFailures = maximumStartFailures
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.startTimeout = startTimeout
    }

    /// What to do about a worker that died.
    enum Decision: Equatable {
        /// Start its successor now.
        case restart
        /// Start its successor after this delay.
        case restartAfter(TimeAmount)
        /// Stop the supervisor: the slot failed to start `maximumStartFailures` times in a row.
        case giveUp
    }

    /// The decision for a worker that died `readyFor` after it became ready (nil when it
    /// never was), when its slot had `failures` failures to start in a row before; and the
    /// slot's count of failures after this one.
    func decide(readyFor: TimeAmount?, failures: Int) -> (decision: Decision, failures: Int) {
        if let readyFor, readyFor >= minimumUptime { return (.restart, 0) }
        let failures = failures + 1
        if failures >= maximumStartFailures { return (.giveUp, failures) }
        var delay = firstDelay
        for _ in 1..<failures where delay < maximumDelay { delay = delay + delay }
        return (.restartAfter(min(delay, maximumDelay)), failures)
    }
}

/// How a worker process ended, from `waitpid`'s status.
enum WorkerExit: Equatable, Sendable, CustomStringConvertible {
    case exited(code: Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        // The <sys/wait.h> macros are not imported into Swift: the same bit tests.
        let signal = status & 0x7f
        self = signal == 0 ? .exited(code: (status >> 8) & 0xff) : .signaled(signal)
    }

    var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "signal \(signal)\(Self.names[signal].map { " (\($0))" } ?? "")"
        }
    }

    /// `SIGTERM`, or `signal N` for one without a name here.
    static func name(of signal: Int32) -> String { names[signal] ?? "signal \(signal)" }

    private static let names: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
        8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 15: "SIGTERM", 17: "SIGCHLD",
    ]
}

/// Why a supervisor could not start or had to stop.
public enum SupervisorError: Error, CustomStringConvertible, Equatable {
    /// The listening socket could not be made: the address and the system's reason.
    case cannotListen(BindTarget, String)
    /// A worker process could not be started: the executable and the system's reason.
    case cannotStartWorker(String, String)
    /// A worker slot failed to start this many times in a row; the last one ended so.
    case workersKeepFailing(slot: Int, attempts: Int, lastExit: String)
    /// The control socket for `--status` could not be made or reached: the path and why.
    case controlSocket(String, String)
    /// Development reload cannot work: why.
    case cannotReload(String)

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case .cannotListen(let target, let reason):
            "the supervisor cannot listen on \(target): \(reason) (is another server on that address?)"
        case .cannotStartWorker(let path, let reason):
            "the supervisor cannot start a worker from \(path): \(reason)"
        case .workersKeepFailing(let slot, let attempts, let lastExit):
            "worker \(slot) died \(attempts) times in a row while starting (last: \(lastExit)); the supervisor stopped instead of restarting it again: see the worker's log above for its error"
        case .controlSocket(let path, let reason):
            "the supervisor's control socket \(path): \(reason)"
        case .cannotReload(let reason):
            "development reload: \(reason)"
        }
    }
}
