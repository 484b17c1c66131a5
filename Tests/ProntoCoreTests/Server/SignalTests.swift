@testable import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM while a server waits with `stoppingOnSignals`. These tests are the
/// only code in the test process that handles signals, and they run one at a time: a
/// signal is sent only while a watcher is installed and ready, so it reaches the watcher
/// (libdispatch's handler takes it) and never the default action.
@Suite("Signals", .serialized)
struct SignalTests {
    /// A signal's disposition: its handler's address and flags.
    static func disposition(_ signal: Int32) -> String {
        var action = sigaction()
        sigaction(signal, nil, &action)
        #if canImport(Darwin)
        let handler = unsafeBitCast(action.__sigaction_u.__sa_handler, to: Int.self)
        let flags = action.sa_flags
        #else
        let handler = unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
        // glibc adds SA_RESTORER (0x04000000, its return trampoline) to every disposition it
        // sets, so a restored default reads back with it; it changes nothing else.
        let flags = action.sa_flags & ~0x0400_0000
        #endif
        return "handler \(handler) flags \(flags)"
    }

    static func startServer() async throws -> Server {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        let server = Server(configuration: configuration, handler: testHandler())
        try await server.start()
        return server
    }

    /// Waits (at most 10 s) until `condition` holds.
    static func poll(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestClientError("\(what) did not happen within 10 s") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    @Test("after waitUntilStopped(stoppingOnSignals: true) returns, SIGINT and SIGTERM are disposed of as before")
    func dispositionRestored() async throws {
        let before = (Self.disposition(SIGINT), Self.disposition(SIGTERM))
        for _ in 0..<2 {
            let server = try await Self.startServer()
            let waiting = Task { await server.waitUntilStopped(stoppingOnSignals: true) }
            try await Self.poll("the signal watcher") { SignalWatcher.readyWatchers(of: SIGTERM) == 1 }
            // Installed meanwhile: the handler that routes the signal to the watcher.
            #expect(Self.disposition(SIGTERM) != before.1)
            await server.shutdown()
            await waiting.value
            #expect(Self.disposition(SIGINT) == before.0)
            #expect(Self.disposition(SIGTERM) == before.1)
        }
    }

    @Test("a SIGTERM or SIGINT while the server waits starts its graceful shutdown, again after a restore")
    func signalStopsServer() async throws {
        let before = Self.disposition(SIGTERM)
        // The second round runs after the first restored the default disposition, which
        // libdispatch does not reinstall by itself.
        for signal in [SIGTERM, SIGINT] {
            let server = try await Self.startServer()
            let waiting = Task { await server.waitUntilStopped(stoppingOnSignals: true) }
            try await Self.poll("the signal watcher") { SignalWatcher.readyWatchers(of: signal) == 1 }
            kill(getpid(), signal)
            do {
                try await Self.poll("the shutdown after signal \(signal)") { server.localAddress == nil }
            } catch {
                await server.shutdown()
                throw error
            }
            await waiting.value
            #expect(Self.disposition(SIGTERM) == before)
        }
    }
}
