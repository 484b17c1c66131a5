import NIOConcurrencyHelpers
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A worker's end of its control socket: tells the supervisor the worker accepts, answers
/// its questions, and stops the server when the supervisor is gone (killed with SIGKILL, it
/// could not stop its workers; an orphan worker must not serve on for ever).
///
/// One blocking thread reads the socket: the supervisor asks rarely, and the event loops
/// stay free of it.
final class WorkerLink: Sendable {
    private let socket: CInt
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let stopped = NIOLockedValueBox(false)

    init(socket: CInt) {
        self.socket = socket
    }

    /// Says `ready`, then answers each statistics request with `statistics()` until the
    /// supervisor closes its end (then calls `supervisorGone`) or ``stop()`` is called.
    func start(
        statistics: @escaping @Sendable () -> ControlMessage,
        supervisorGone: @escaping @Sendable () -> Void
    ) {
        ControlMessage.ready.deliver(on: socket)
        thread.start()
        thread.submit { [self] _ in
            while true {
                switch ControlMessage.receive(from: socket) {
                case .message(.statisticsRequest):
                    statistics().deliver(on: socket)
                case .message, .wouldBlock:
                    continue
                case .closed:
                    if !stopped.withLockedValue({ $0 }) { supervisorGone() }
                    return
                }
            }
        }
    }

    /// Ends the reading thread (the server has stopped) and closes the socket, which tells
    /// the supervisor this worker is done.
    func stop() {
        guard !stopped.withLockedValue({ stopped in defer { stopped = true }; return stopped }) else { return }
        // Wakes the blocked recv with 0; the descriptor is closed once the thread is out.
        shutdown(socket, CInt(SHUT_RDWR))
        let socket = self.socket
        thread.shutdownGracefully { _ in close(socket) }
    }
}
