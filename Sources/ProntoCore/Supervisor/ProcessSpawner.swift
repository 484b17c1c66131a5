#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts processes with `posix_spawn`: fork and exec in one call, so nothing of this
/// threaded process (its locks, its event loops) runs in the child before exec.
enum ProcessSpawner {
    /// The signals the supervisor catches: its children start with their default actions
    /// (exec keeps a signal ignored, so each is reset explicitly) and nothing blocked.
    static let supervisorSignals: [Int32] = [SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGPIPE]

    /// Runs `path` with `arguments` (the first is the program's name) and `environment`
    /// (`NAME=value`), the child's descriptor `to` a copy of the parent's `from` for each
    /// pair; every other descriptor of the parent is close-on-exec. With `newProcessGroup`,
    /// the child leads a group of its own: a terminal's Ctrl-C reaches the supervisor only,
    /// which stops its workers gracefully.
    ///
    /// - Throws: ``SupervisorError/cannotStartWorker(_:_:)`` with the system's reason.
    static func spawn(
        _ path: String, arguments: [String], environment: [String],
        descriptors: [(from: CInt, to: CInt)], newProcessGroup: Bool
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (from, to) in descriptors {
            // dup2 onto itself would keep close-on-exec: the parent's descriptors are all
            // made above 9, the children's targets are 3 and 4.
            precondition(from != to, "ProcessSpawner: a descriptor cannot be passed onto itself")
            posix_spawn_file_actions_adddup2(&actions, from, to)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in supervisorSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard status == 0 else { throw SupervisorError.cannotStartWorker(path, String(cString: strerror(status))) }
        return pid
    }

    /// The path of this process's executable, resolved now: a later rebuild or deploy
    /// replaces the file at that path, and the supervisor starts its next workers from it
    /// (`/proc/self/exe` would keep pointing at the old, deleted, file).
    static func currentExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return CommandLine.arguments[0]
    }

    /// `descriptor`, moved to a number above 9 (see ``spawn(_:arguments:environment:descriptors:newProcessGroup:)``),
    /// close-on-exec.
    static func moveHigh(_ descriptor: CInt) -> CInt {
        guard descriptor >= 0 else { return descriptor }
        guard descriptor < 10 else {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            return descriptor
        }
        let moved = fcntl(descriptor, F_DUPFD_CLOEXEC, 10)
        guard moved >= 0 else { return descriptor }
        close(descriptor)
        return moved
    }
}

/// close(2), under a name that types with a `close()` of their own do not hide.
func closeDescriptor(_ descriptor: CInt) {
    close(descriptor)
}
