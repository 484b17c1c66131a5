import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Starting, restarting and replacing workers.
extension SupervisorLoop {
    /// Brings the workers to what is wanted: a live worker in every slot (unless its
    /// restart is delayed), and the next rolling replacement under way.
    func reconcile() {
        guard case .running = phase, mayRunWorkers else { return }
        let now = NIODeadline.now()
        for slot in slots.indices where !workers.values.contains(where: { $0.slot == slot && $0.stopRequested == nil }) {
            if let restartAt = slots[slot].restartAt, restartAt > now { continue }
            slots[slot].restartAt = nil
            startWorker(slot: slot, replacing: nil)
        }
        advanceReplacement(now: now)
    }

    /// Starts the replacement of the first retiring worker, unless one is under way.
    private func advanceReplacement(now: NIODeadline) {
        guard !workers.values.contains(where: { $0.replaces != nil }) else { return }
        while let old = retiring.first {
            guard let worker = workers[old], worker.stopRequested == nil else {
                retiring.removeFirst()
                continue
            }
            guard worker.slot < slots.count else {
                // A slot the new configuration does not have (after an upgrade): retire it.
                retiring.removeFirst()
                stop(old)
                continue
            }
            if let restartAt = slots[worker.slot].restartAt, restartAt > now { return }
            slots[worker.slot].restartAt = nil
            startWorker(slot: worker.slot, replacing: old)
            return
        }
    }

    /// Starts a worker process in `slot`, with the listening socket as descriptor 3 and its
    /// end of a new control socket as 4.
    private func startWorker(slot: Int, replacing old: pid_t?) {
        var pair: [CInt] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            return failedToStart(slot: slot, replacing: old, reason: "socketpair: \(String(cString: strerror(errno)))")
        }
        let mine = ProcessSpawner.moveHigh(pair[0])
        let theirs = ProcessSpawner.moveHigh(pair[1])
        defer { close(theirs) }
        _ = fcntl(mine, F_SETFL, O_NONBLOCK)
        let pid: pid_t
        do {
            pid = try ProcessSpawner.spawn(
                executable, arguments: arguments,
                environment: environment + ["\(InheritedListener.workerVariable)=\(slot),3,4"],
                descriptors: [(listener, 3), (theirs, 4)], newProcessGroup: true
            )
        } catch {
            close(mine)
            return failedToStart(slot: slot, replacing: old, reason: "\(error)")
        }
        workers[pid] = Worker(pid: pid, slot: slot, control: mine, started: .now(), replaces: old)
        logger.info("worker started", metadata: ["slot": "\(slot)", "pid": "\(pid)"])
    }

    /// A worker could not even be spawned: counted as a failure to start.
    private func failedToStart(slot: Int, replacing old: pid_t?, reason: String) {
        logger.error("cannot start a worker", metadata: ["slot": "\(slot)", "reason": "\(reason)"])
        apply(policy.decide(readyFor: nil, failures: slots[slot].failures), slot: slot, replacing: old, lastExit: reason)
    }

    /// Asks a worker to stop gracefully: it closes its copy of the listening socket and
    /// answers what it has received (``Server/shutdown()``).
    func stop(_ pid: pid_t) {
        guard workers[pid]?.stopRequested == nil else { return }
        workers[pid]?.stopRequested = .now()
        kill(pid, SIGTERM)
    }

    /// Reaps every child that ended.
    func reap() {
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            if buildExited(pid, WorkerExit(waitStatus: status)) { continue }
            exited(pid, WorkerExit(waitStatus: status))
        }
    }

    private func exited(_ pid: pid_t, _ exit: WorkerExit) {
        guard let worker = workers.removeValue(forKey: pid) else { return }
        close(worker.control)
        retiring.removeAll { $0 == pid }
        for index in statusRequests.indices { statusRequests[index].awaiting.remove(pid) }
        let metadata: Logger.Metadata = ["slot": "\(worker.slot)", "pid": "\(pid)", "status": "\(exit)"]
        if worker.stopRequested != nil {
            logger.info("worker stopped", metadata: metadata)
            return
        }
        guard case .running = phase else { return }
        slots[worker.slot].restarts += 1
        let readyFor = worker.readyAt.map { NIODeadline.now() - $0 }
        logger.error(readyFor == nil ? "worker died while starting; restarting" : "worker died; restarting", metadata: metadata)
        apply(policy.decide(readyFor: readyFor, failures: slots[worker.slot].failures),
              slot: worker.slot, replacing: worker.replaces, lastExit: exit.description)
    }

    private func apply(
        _ outcome: (decision: RestartPolicy.Decision, failures: Int), slot: Int, replacing old: pid_t?, lastExit: String
    ) {
        slots[slot].failures = outcome.failures
        switch outcome.decision {
        case .restart:
            slots[slot].restartAt = nil
        case .restartAfter(let delay):
            slots[slot].restartAt = .now() + delay
            logger.warning("restarting after a delay", metadata: ["slot": "\(slot)", "delay": "\(delay)", "failures": "\(outcome.failures)"])
        case .giveUp where old != nil:
            // The new build fails where the old one serves: keep the old workers.
            logger.error("the new workers keep failing to start; the running ones keep serving", metadata: [
                "slot": "\(slot)", "attempts": "\(outcome.failures)", "last": "\(lastExit)",
            ])
            slots[slot].failures = 0
            retiring = []
        case .giveUp where reload != nil:
            // While developing, the next change may fix it: show why, wait for it.
            logger.error("the worker keeps failing to start; waiting for a change", metadata: ["last": "\(lastExit)"])
            slots[slot].failures = 0
            showFailure("The app built, but its worker died \(outcome.failures) times in a row while starting (last: \(lastExit)); its error is in the terminal.")
        case .giveUp:
            failure = .workersKeepFailing(slot: slot, attempts: outcome.failures, lastExit: lastExit)
            logger.critical("\(failure!)")
            beginStopping()
        }
    }

    /// A worker said `ready`: a replacement retires the worker it replaces, and its slot's
    /// failures are forgiven once it has stayed up (``RestartPolicy/minimumUptime``).
    func becameReady(_ pid: pid_t) {
        guard var worker = workers[pid], worker.readyAt == nil else { return }
        worker.readyAt = .now()
        logger.info("worker ready", metadata: ["slot": "\(worker.slot)", "pid": "\(pid)"])
        if let old = worker.replaces {
            worker.replaces = nil
            retiring.removeAll { $0 == old }
            stop(old)
            if retiring.isEmpty { logger.info("every worker replaced") }
        }
        workers[pid] = worker
    }

    /// Stops every worker gracefully and closes the listening socket, so that once the
    /// last worker has closed its copy, new connections are refused rather than queued.
    func beginStopping() {
        guard case .running = phase else { return }
        phase = .stopping(killAt: .now() + drainLimit)
        retiring = []
        for pid in workers.keys { stop(pid) }
        stopReload()
        close(listener)
        listener = -1
    }

    /// The workers of the executable before a binary upgrade, to be replaced one by one.
    func adopt(_ handover: Handover) {
        let now = NIODeadline.now()
        for old in handover.workers {
            workers[old.pid] = Worker(pid: old.pid, slot: old.slot, control: old.control, started: now, readyAt: now)
            _ = fcntl(old.control, F_SETFD, FD_CLOEXEC)
            if old.slot < slots.count { slots[old.slot].restarts = old.restarts }
        }
        retiring = handover.workers.sorted { $0.slot < $1.slot }.map(\.pid)
        logger.info("upgraded: replacing the previous executable's workers", metadata: ["workers": "\(retiring.count)"])
    }
}
