import CProntoSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Signals turned into bytes on a pipe the supervisor polls (the self-pipe trick): the C
/// handler only writes the signal's number, and the loop handles it like any other event.
/// `signalfd` would need the signals blocked in every thread, which a process with Swift's
/// thread pool cannot promise.
struct SignalPipe {
    let readEnd: CInt
    private let writeEnd: CInt

    /// Installs the handler for each of `signals` (replacing their previous actions for the
    /// rest of the process's life: the supervisor's process does nothing else).
    init(_ signals: [Int32]) throws {
        var ends: [CInt] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw SupervisorError.controlSocket("signal pipe", String(cString: strerror(errno)))
        }
        readEnd = ProcessSpawner.moveHigh(ends[0])
        writeEnd = ProcessSpawner.moveHigh(ends[1])
        for end in [readEnd, writeEnd] { _ = fcntl(end, F_SETFL, O_NONBLOCK) }
        for signal in signals { pronto_signal_to_pipe(signal, writeEnd) }
    }

    /// Wakes the loop from another thread: reads as signal 0.
    func notify() {
        var zero: UInt8 = 0
        _ = write(writeEnd, &zero, 1)
    }

    /// The signals received since the last call, in order (each SIGCHLD may stand for
    /// several children: the reaper loops).
    func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            guard count > 0 else { return received }
            received += buffer[..<count].map { Int32($0) }
        }
    }
}
