import CProntoSystem
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The supervisor's state and its event loop: one thread in `poll(2)` over the signal pipe,
/// each worker's control socket and the status socket, with the next timer as its timeout.
/// Every change happens on that thread, in the order events arrive: there is no lock.
final class SupervisorLoop {
    /// A worker process.
    struct Worker {
        let pid: pid_t
        let slot: Int
        /// The supervisor's end of the control socket (non-blocking).
        let control: CInt
        var controlOpen = true
        let started: NIODeadline
        /// When it said `ready` (it accepts connections).
        var readyAt: NIODeadline?
        /// When the supervisor asked it to stop (SIGTERM): it is draining.
        var stopRequested: NIODeadline?
        var requests = 0
        var connections = 0
        /// The worker it will replace once ready (a rolling restart).
        var replaces: pid_t?
    }

    /// What one of the `workers` positions has been through.
    struct Slot {
        var restarts = 0
        /// Failures to start in a row (``RestartPolicy``).
        var failures = 0
        /// When its next worker may start, after a failure to start.
        var restartAt: NIODeadline?
    }

    enum Phase {
        case running
        /// Workers were told to stop; those left at `killAt` are killed.
        case stopping(killAt: NIODeadline)
    }

    let configuration: ServerConfiguration
    let policy: RestartPolicy
    var logger: Logger { configuration.logger }
    let executable = ProcessSpawner.currentExecutable()
    let arguments = CommandLine.arguments
    /// The environment for workers: this process's, less the variables that pass sockets.
    let environment: [String]
    /// The listening socket; -1 once closed (stopping).
    var listener: CInt
    let address: String
    let startedAt = NIODeadline.now()
    let signals: SignalPipe
    var controlSocket: ControlSocket?

    var workers: [pid_t: Worker] = [:]
    var slots: [Slot]
    var phase = Phase.running
    /// Workers to replace one by one (SIGHUP, or those of the binary before an upgrade).
    var retiring: [pid_t] = []
    var statusRequests: [StatusRequest] = []
    /// Set when the supervisor gave up on a slot: thrown once every worker has stopped.
    var failure: SupervisorError?
    /// Development reload, when configured.
    var reload: ReloadState?

    init(configuration: ServerConfiguration, policy: RestartPolicy) throws {
        self.configuration = configuration
        self.policy = policy
        let inheritedEnvironment = ProcessEnvironment.current()
        var variables = inheritedEnvironment
        let handover = try variables[Handover.variable].map(Handover.init(text:))
        for name in [InheritedListener.workerVariable, Handover.variable, "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
            variables[name] = nil
        }
        environment = variables.map { "\($0.key)=\($0.value)" }.sorted()
        slots = Array(repeating: Slot(), count: max(configuration.workers, configuration.reload == nil ? 0 : 1))
        signals = try SignalPipe(ProcessSpawner.supervisorSignals)
        if let handover {
            listener = handover.listener
            _ = fcntl(listener, F_SETFD, FD_CLOEXEC)
        } else if case .systemd(let inherited)? = try InheritedListener.from(environment: inheritedEnvironment, pid: getpid()) {
            listener = ProcessSpawner.moveHigh(inherited)
            _ = fcntl(listener, F_SETFD, FD_CLOEXEC)
        } else {
            listener = ProcessSpawner.moveHigh(
                try ListeningSocket.make(on: configuration.target, backlog: configuration.backlog, reusePort: configuration.reusePort))
        }
        address = ListeningSocket.address(of: listener)
        if let path = configuration.controlSocketPath { controlSocket = try ControlSocket(path: path) }
        if let handover { adopt(handover) }
        if let reload = configuration.reload {
            self.reload = ReloadState(
                configuration: reload,
                watcher: try SourceWatcher(folders: reload.watchedDirectories, suffixes: reload.fileSuffixes))
        }
    }

    /// Serves until every worker has stopped after SIGTERM or SIGINT (or after giving up).
    func run() throws {
        logger.info("supervisor listening", metadata: [
            "address": "\(address)", "workers": "\(configuration.workers)", "pid": "\(getpid())",
        ])
        #if DEBUG
        if configuration.workers > 1 {
            logger.warning("debug build: SwiftNIO asserts when a wakeup finds no connection to accept (swift-nio #3500), which happens when several workers share a socket; a worker may crash on it and be restarted. Run workers from a release build (swift build -c release).")
        }
        #endif
        reap()  // children that ended before the SIGCHLD handler was in place (after an upgrade)
        reconcile()
        while !isDone {
            step()
            reconcile()
        }
        if listener >= 0 { close(listener) }
        controlSocket?.close()
        if let failure { throw failure }
        logger.info("supervisor stopped")
    }

    private var isDone: Bool {
        if case .stopping = phase { return workers.isEmpty && reload?.build == nil && reload?.errorPage == nil }
        return false
    }

    /// Waits for the next event or timer and handles it.
    private func step() {
        var descriptors = [pollfd(fd: signals.readEnd, events: Int16(POLLIN), revents: 0)]
        let polled = workers.values.filter(\.controlOpen).map(\.pid)
        for pid in polled { descriptors.append(pollfd(fd: workers[pid]!.control, events: Int16(POLLIN), revents: 0)) }
        if let controlSocket { descriptors.append(pollfd(fd: controlSocket.descriptor, events: Int16(POLLIN), revents: 0)) }
        let watching = descriptors.count
        if let reload {
            descriptors.append(pollfd(fd: reload.watcher.descriptor, events: Int16(POLLIN), revents: 0))
            descriptors.append(pollfd(fd: reload.build?.output ?? -1, events: Int16(POLLIN), revents: 0))  // -1: ignored
        }
        var timeout: CInt = -1
        if let next = nextDeadline() {
            let nanoseconds = max(0, (next - .now()).nanoseconds)
            timeout = CInt(min(nanoseconds / 1_000_000 + 1, 60_000))
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
        guard ready > 0 else { return fireTimers() }
        if descriptors[0].revents != 0 {
            for signal in signals.drain() { handle(signal: signal) }
        }
        for (index, pid) in polled.enumerated() where descriptors[index + 1].revents != 0 {
            readControl(of: pid)
        }
        if reload != nil {
            if descriptors[watching].revents != 0 { sourcesChanged() }
            if descriptors[watching + 1].revents != 0 { readBuildOutput() }
        }
        if let controlSocket, descriptors[watching - 1].revents != 0 {
            for client in controlSocket.acceptAll() {
                requestStatus { report in ControlSocket.reply(report, to: client) }
            }
        }
        fireTimers()
    }

    /// The earliest moment something is due: a restart, a start timeout, a kill, a status reply.
    private func nextDeadline() -> NIODeadline? {
        var deadlines: [NIODeadline] = slots.compactMap(\.restartAt)
        for worker in workers.values {
            if worker.readyAt == nil, worker.stopRequested == nil { deadlines.append(worker.started + policy.startTimeout) }
            if let stop = worker.stopRequested { deadlines.append(stop + drainLimit) }
        }
        if case .stopping(let killAt) = phase { deadlines.append(killAt) }
        deadlines += statusRequests.map(\.deadline)
        if let reload, let changedAt = reload.changedAt { deadlines.append(changedAt + reload.configuration.settleDelay) }
        return deadlines.min()
    }

    /// How long a draining worker may take before it is killed: its own grace period
    /// (after which it closes what is left) and a margin for its exit.
    var drainLimit: TimeAmount { configuration.shutdownGracePeriod + .seconds(2) }

    private func fireTimers() {
        let now = NIODeadline.now()
        for (pid, worker) in workers {
            if worker.readyAt == nil, worker.stopRequested == nil, worker.started + policy.startTimeout <= now {
                logger.error("worker did not start accepting in time; killing it", metadata: [
                    "slot": "\(worker.slot)", "pid": "\(pid)", "timeout": "\(policy.startTimeout)",
                ])
                kill(pid, SIGKILL)
            }
            if let stop = worker.stopRequested, stop + drainLimit <= now {
                logger.warning("worker did not stop in time; killing it", metadata: ["slot": "\(worker.slot)", "pid": "\(pid)"])
                kill(pid, SIGKILL)
                workers[pid]?.stopRequested = now  // once: its exit follows
            }
        }
        if case .stopping(let killAt) = phase, killAt <= now {
            for pid in workers.keys { kill(pid, SIGKILL) }
            phase = .stopping(killAt: now + .seconds(3600))
        }
        finishStatusRequests(dueBy: now)
        startBuildIfSettled(now: now)
    }
}
