import NIOConcurrencyHelpers
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a handler for SIGINT and SIGTERM (instead of their default action, exit) while a
/// server waits, through swift-service-lifecycle's `UnixSignalsSequence`, and gives each
/// signal back its previous disposition afterwards: once ``Server/run()`` returns, the
/// signals act as they did before it.
///
/// The sequence does not restore dispositions itself. On Linux libdispatch installs its
/// own handler the first time a signal gets a source in the process, and never again
/// (even after that handler was replaced); on Darwin the sequence sets `SIG_IGN`. So the
/// first watcher of a signal saves the disposition in force and the last one to end
/// restores it; and the disposition the sequence installed is remembered, so that a
/// later watcher puts it back before its own sequence starts (libdispatch would not).
/// Watchers may overlap (two servers in one process): the signals stay handled until
/// the last one ends.
enum SignalWatcher {
    /// Calls `onSignal` for each of `signals` that arrives while `body` runs.
    static func watching<T: Sendable>(
        _ signals: [UnixSignal], onSignal: @escaping @Sendable (UnixSignal) -> Void, while body: () async -> T
    ) async -> T {
        let numbers = signals.map(\.rawValue)
        acquire(numbers)
        defer { release(numbers) }
        let sequence = await UnixSignalsSequence(trapping: signals)
        registered(numbers)
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Ends when the group is cancelled: an AsyncStream's iterator returns nil then.
                for await signal in sequence { onSignal(signal) }
            }
            let result = await body()
            group.cancelAll()
            return result
        }
    }

    /// How many watchers are installed and ready for `signal` (for tests).
    static func readyWatchers(of signal: Int32) -> Int {
        dispositions.withLockedValue { $0.ready[signal, default: 0] }
    }

    /// A `sigaction` kept between calls. `@unchecked`: plain C data, only read and
    /// written under the lock of ``dispositions``.
    private struct SavedAction: @unchecked Sendable {
        var action: sigaction
    }

    private struct Dispositions {
        /// Per signal being watched: how many watchers hold it, and the disposition to restore.
        var held: [Int32: (holders: Int, previous: SavedAction)] = [:]
        /// Per signal: the disposition a `UnixSignalsSequence` installed, to install again.
        var watching: [Int32: SavedAction] = [:]
        /// Per signal: watchers whose sequence is registered.
        var ready: [Int32: Int] = [:]
    }

    private static let dispositions = NIOLockedValueBox(Dispositions())

    private static func acquire(_ signals: [Int32]) {
        dispositions.withLockedValue { state in
            for signal in signals {
                if let held = state.held[signal] {
                    state.held[signal] = (held.holders + 1, held.previous)
                    continue
                }
                var previous = sigaction()
                sigaction(signal, nil, &previous)
                state.held[signal] = (1, SavedAction(action: previous))
                if var watching = state.watching[signal]?.action {
                    sigaction(signal, &watching, nil)
                }
            }
        }
    }

    private static func registered(_ signals: [Int32]) {
        dispositions.withLockedValue { state in
            for signal in signals {
                state.ready[signal, default: 0] += 1
                guard state.watching[signal] == nil else { continue }
                var current = sigaction()
                sigaction(signal, nil, &current)
                state.watching[signal] = SavedAction(action: current)
            }
        }
    }

    private static func release(_ signals: [Int32]) {
        dispositions.withLockedValue { state in
            for signal in signals {
                if let ready = state.ready[signal] { state.ready[signal] = ready > 1 ? ready - 1 : nil }
                guard let held = state.held[signal] else {
                    preconditionFailure("SignalWatcher: signal \(signal) released more often than acquired")
                }
                guard held.holders == 1 else {
                    state.held[signal] = (held.holders - 1, held.previous)
                    continue
                }
                state.held[signal] = nil
                var previous = held.previous.action
                sigaction(signal, &previous, nil)
            }
        }
    }
}
