import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What development reload is doing (``ReloadConfiguration``).
struct ReloadState {
    let configuration: ReloadConfiguration
    let watcher: SourceWatcher
    /// The last change not built yet: a build starts ``ReloadConfiguration/settleDelay`` after.
    var changedAt: NIODeadline?
    var build: BuildRun?
    /// Why the app cannot run (the last build failed, or its worker died at start): shown
    /// by the error page until the next build.
    var failure: String?
    var errorPage: Server?
}

/// Development reload: a change stops the workers (requests wait in the socket's queue),
/// builds, and starts workers of the new build, or serves the build's errors.
extension SupervisorLoop {
    /// Whether workers may run now: not while a build runs or its failure is shown.
    var mayRunWorkers: Bool {
        guard let reload else { return true }
        return reload.build == nil && reload.failure == nil && reload.errorPage == nil
    }

    func sourcesChanged() {
        guard reload?.watcher.readChanges() == true, case .running = phase else { return }
        reload?.changedAt = .now()
    }

    /// The build starts once the files have settled.
    func startBuildIfSettled(now: NIODeadline) {
        guard let reload, let changedAt = reload.changedAt, changedAt + reload.configuration.settleDelay <= now else { return }
        self.reload?.changedAt = nil
        if let build = reload.build {
            // A newer change makes this build obsolete: the next starts when it has ended.
            build.cancel()
            self.reload?.changedAt = now
            return
        }
        logger.info("sources changed: rebuilding", metadata: ["command": "\(reload.configuration.buildCommand.joined(separator: " "))"])
        for worker in workers.values { stop(worker.pid) }
        stopErrorPage()
        self.reload?.failure = nil
        do {
            self.reload?.build = try BuildRun(reload.configuration, environment: environment)
        } catch {
            showFailure("\(error)")
        }
    }

    /// The build's output, or its end (SIGCHLD).
    func readBuildOutput() {
        reload?.build?.readOutput()
    }

    /// Reaps the build if `pid` is it; true when it was.
    func buildExited(_ pid: pid_t, _ exit: WorkerExit) -> Bool {
        guard let build = reload?.build, build.pid == pid else { return false }
        while build.output >= 0 { build.readOutput() }  // what is left in the pipe
        reload?.build = nil
        if reload?.changedAt != nil { return true }  // cancelled for a newer change
        if exit == .exited(code: 0) {
            logger.info("build succeeded: starting the new workers")
            for index in slots.indices { slots[index] = Slot() }
        } else {
            logger.error("build failed: serving its errors until the next change", metadata: ["status": "\(exit)"])
            showFailure(build.log.isEmpty ? "the build ended with \(exit)" : build.log)
        }
        return true
    }

    /// Serves `failure` as a 503 page once no worker listens any more.
    func showFailure(_ failure: String) {
        guard let configuration = reload?.configuration else { return }
        reload?.failure = failure
        guard reload?.errorPage == nil, listener >= 0 else { return }
        reload?.errorPage = BuildErrorPage.serve(
            BuildErrorPage.response(failure, command: configuration.buildCommand), listener: listener, configuration: self.configuration)
    }

    /// Stops the error page; the loop hears (signal 0) when it has closed its socket.
    func stopErrorPage() {
        guard let page = reload?.errorPage else { return }
        let signals = self.signals
        Task {
            await page.shutdown()
            signals.notify()
        }
    }

    /// Signal 0: the error page has stopped, if one was stopping.
    func errorPageMayHaveStopped() {
        guard let page = reload?.errorPage, page.localAddress == nil, !mayServeErrorPage else { return }
        reload?.errorPage = nil
    }

    private var mayServeErrorPage: Bool { reload?.failure != nil && reload?.build == nil && isRunning }

    var isRunning: Bool {
        if case .running = phase { return true }
        return false
    }

    /// Stopping: the build is cancelled and the error page stopped too.
    func stopReload() {
        reload?.build?.cancel()
        reload?.changedAt = nil
        stopErrorPage()
    }
}
