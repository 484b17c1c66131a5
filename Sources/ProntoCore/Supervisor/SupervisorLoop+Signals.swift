import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Signals, messages from workers, the status report and the binary upgrade.
extension SupervisorLoop {
    func handle(signal: Int32) {
        switch signal {
        case 0:
            errorPageMayHaveStopped()
        case SIGCHLD:
            reap()
        case SIGTERM, SIGINT:
            logger.info("signal received, stopping the workers", metadata: ["signal": "\(WorkerExit.name(of: signal))"])
            beginStopping()
        case SIGHUP:
            guard case .running = phase else { return }
            guard retiring.isEmpty else { return logger.warning("SIGHUP: a replacement is already under way") }
            retiring = workers.values.filter { $0.stopRequested == nil && $0.replaces == nil }.sorted { $0.slot < $1.slot }.map(\.pid)
            logger.info("SIGHUP: replacing the workers one by one", metadata: ["workers": "\(retiring.count)"])
        case SIGUSR1:
            requestStatus { [logger] report in logger.info("status\n\(report)") }
        case SIGUSR2:
            upgrade()
        default:
            break  // SIGPIPE: a worker's control socket closed; its exit follows.
        }
    }

    /// Reads what a worker said.
    func readControl(of pid: pid_t) {
        guard let control = workers[pid]?.control else { return }
        while true {
            switch ControlMessage.receive(from: control) {
            case .message(.ready):
                becameReady(pid)
            case .message(.statistics(let requests, let connections)):
                workers[pid]?.requests = requests
                workers[pid]?.connections = connections
                for index in statusRequests.indices { statusRequests[index].awaiting.remove(pid) }
            case .message:
                continue
            case .closed:
                // The worker is ending; SIGCHLD tells when it has.
                workers[pid]?.controlOpen = false
                return
            case .wouldBlock:
                return
            }
        }
    }

    /// A status report wanted: every worker is asked for its figures, and `reply` gets the
    /// report once all have answered (or after 500 ms, with the figures known then).
    func requestStatus(_ reply: @escaping (String) -> Void) {
        var awaiting = Set<pid_t>()
        for worker in workers.values where worker.controlOpen && worker.readyAt != nil {
            if ControlMessage.statisticsRequest.deliver(on: worker.control) { awaiting.insert(worker.pid) }
        }
        statusRequests.append(StatusRequest(awaiting: awaiting, deadline: .now() + .milliseconds(500), reply: reply))
        finishStatusRequests(dueBy: .now())
    }

    func finishStatusRequests(dueBy now: NIODeadline) {
        let done = statusRequests.filter { $0.awaiting.isEmpty || $0.deadline <= now }
        guard !done.isEmpty else { return }
        statusRequests.removeAll { $0.awaiting.isEmpty || $0.deadline <= now }
        let report = statusReport(now: now)
        for request in done { request.reply(report) }
    }

    /// The report: a line on the supervisor, a header, and a line per worker by slot.
    func statusReport(now: NIODeadline) -> String {
        func seconds(_ since: NIODeadline) -> String {
            let tenths = (now - since).nanoseconds / 100_000_000
            return "\(tenths / 10).\(tenths % 10)s"
        }
        var lines = ["supervisor pid=\(getpid()) address=\(address) uptime=\(seconds(startedAt)) workers=\(slots.count)"]
        lines.append("slot pid state uptime restarts requests connections")
        for worker in workers.values.sorted(by: { ($0.slot, $0.started) < ($1.slot, $1.started) }) {
            let state = worker.stopRequested != nil ? "draining" : worker.readyAt == nil ? "starting" : "ready"
            lines.append("\(worker.slot) \(worker.pid) \(state) \(seconds(worker.started)) \(slots.indices.contains(worker.slot) ? slots[worker.slot].restarts : 0) \(worker.requests) \(worker.connections)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Executes the executable file again, in this process: the new supervisor keeps the
    /// process id (systemd and pid files stay right), is given the listening socket and
    /// the workers (with their control sockets), and replaces them one by one. If the exec
    /// fails, this supervisor logs why and carries on.
    func upgrade() {
        guard case .running = phase, retiring.isEmpty, !workers.values.contains(where: { $0.replaces != nil }) else {
            return logger.warning("SIGUSR2: ignored while workers are being replaced or stopped")
        }
        let live = workers.values.filter { $0.stopRequested == nil && $0.controlOpen }
        let handover = Handover(listener: listener, workers: live.map {
            Handover.Worker(slot: $0.slot, pid: $0.pid, control: $0.control, restarts: slots[$0.slot].restarts)
        })
        logger.info("SIGUSR2: executing the new binary", metadata: ["path": "\(executable)"])
        let keep = [listener] + live.map(\.control)
        for descriptor in keep { _ = fcntl(descriptor, F_SETFD, 0) }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = (environment + ["\(Handover.variable)=\(handover.text)"]).map { strdup($0) } + [nil]
        execve(executable, argv, envp)
        let reason = String(cString: strerror(errno))
        for pointer in argv + envp { free(pointer) }
        for descriptor in keep { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        logger.error("SIGUSR2: cannot execute the new binary; the running workers keep serving", metadata: [
            "path": "\(executable)", "reason": "\(reason)",
        ])
    }
}

/// A status report asked for, waiting for the workers' figures.
struct StatusRequest {
    var awaiting: Set<pid_t>
    let deadline: NIODeadline
    let reply: (String) -> Void
}

/// What a supervisor hands to the new executable on a binary upgrade, in an environment
/// variable: `listener;slot:pid:control:restarts,...`.
struct Handover: Equatable {
    struct Worker: Equatable {
        let slot: Int
        let pid: pid_t
        let control: CInt
        let restarts: Int
    }

    static let variable = "PRONTO_SUPERVISOR_HANDOVER"

    let listener: CInt
    let workers: [Worker]

    init(listener: CInt, workers: [Worker]) {
        self.listener = listener
        self.workers = workers
    }

    var text: String {
        "\(listener);" + workers.map { "\($0.slot):\($0.pid):\($0.control):\($0.restarts)" }.joined(separator: ",")
    }

    init(text: String) throws {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        let invalid = ConfigurationError(
            variable: Self.variable, value: text,
            expected: "listener;slot:pid:control:restarts,... (set by Pronto's supervisor for the executable it upgrades to; unset it to start afresh)")
        guard parts.count == 2, let listener = CInt(parts[0]), listener >= 0 else { throw invalid }
        var workers: [Worker] = []
        for entry in parts[1].split(separator: ",") {
            let fields = entry.split(separator: ":").map { Int($0) }
            guard fields.count == 4, let slot = fields[0], let pid = fields[1], let control = fields[2], let restarts = fields[3],
                  slot >= 0, pid > 0, control >= 0, restarts >= 0 else { throw invalid }
            workers.append(Worker(slot: slot, pid: pid_t(pid), control: CInt(control), restarts: restarts))
        }
        self.init(listener: listener, workers: workers)
    }
}
