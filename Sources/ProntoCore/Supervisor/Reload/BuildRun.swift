#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of the build command: its output is echoed to the supervisor's terminal as it
/// comes and kept (its end, at most ``keptBytes``) for the error page.
final class BuildRun {
    let pid: pid_t
    /// The read end of the build's stdout and stderr (non-blocking); -1 once at its end.
    private(set) var output: CInt
    private(set) var text: [UInt8] = []
    /// What the error page shows at most: a compiler's first errors are at the start, but a
    /// long log's end says what failed.
    static let keptBytes = 64 * 1024

    init(_ configuration: ReloadConfiguration, environment: [String]) throws {
        var ends: [CInt] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SupervisorError.cannotReload("pipe: \(String(cString: strerror(errno)))") }
        let readEnd = ProcessSpawner.moveHigh(ends[0])
        let writeEnd = ProcessSpawner.moveHigh(ends[1])
        defer { closeDescriptor(writeEnd) }
        _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)
        // sh changes into the folder, then becomes the build (exec): one process to wait for.
        let arguments = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", configuration.workingDirectory] + configuration.buildCommand
        do {
            pid = try ProcessSpawner.spawn(
                "/bin/sh", arguments: arguments, environment: environment,
                descriptors: [(writeEnd, 1), (writeEnd, 2)], newProcessGroup: true
            )
        } catch {
            closeDescriptor(readEnd)
            throw error
        }
        output = readEnd
    }

    /// Reads what the build wrote; echoes it to stderr.
    func readOutput() {
        guard output >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count > 0 {
                _ = buffer.withUnsafeBytes { write(2, $0.baseAddress, count) }
                text += buffer[..<count]
                if text.count > 2 * Self.keptBytes { text.removeFirst(text.count - Self.keptBytes) }
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EINTR) {
                closeDescriptor(output)
                output = -1
            }
            return
        }
    }

    /// The output kept, as text.
    var log: String {
        String(decoding: text.suffix(Self.keptBytes), as: UTF8.self)
    }

    /// Stops a build made obsolete by a newer change.
    func cancel() {
        kill(-pid, SIGTERM)  // its process group: the compiler's own children too
    }
}
