import Foundation
import NIOCore
import NIOPosix
@testable import ProntoCore
import ProntoTestSupport
import Testing

/// The supervisor's parts that need no process of their own. Its behaviour with real
/// processes and signals (kill -9, SIGHUP, SIGUSR2, SIGTERM, failing starts, LISTEN_FDS) is
/// tested by scripts/supervisor.py, in the README's test command.
@Suite("Supervisor")
struct SupervisorTests {
    @Test("a worker that served a while is restarted at once; one dying at start, after a doubling delay, then given up")
    func restartPolicy() {
        let policy = RestartPolicy()
        #expect(policy.decide(readyFor: .seconds(30), failures: 3) == (.restart, 0))
        var failures = 0
        var delays: [RestartPolicy.Decision] = []
        for _ in 0..<5 {
            let outcome = policy.decide(readyFor: nil, failures: failures)
            delays.append(outcome.decision)
            failures = outcome.failures
        }
        #expect(delays == [.restartAfter(.milliseconds(100)), .restartAfter(.milliseconds(200)), .restartAfter(.milliseconds(400)),
                           .restartAfter(.milliseconds(800)), .giveUp])
        // Dying right after becoming ready counts as a failure to start too.
        #expect(policy.decide(readyFor: .milliseconds(300), failures: 0) == (.restartAfter(.milliseconds(100)), 1))
        let capped = RestartPolicy(maximumStartFailures: 100, maximumDelay: .seconds(1))
        #expect(capped.decide(readyFor: nil, failures: 40) == (.restartAfter(.seconds(1)), 41))
    }

    @Test("exit statuses read as a person would say them")
    func exitStatus() {
        #expect(WorkerExit(waitStatus: 9) == .signaled(9))
        #expect(WorkerExit(waitStatus: 9).description == "signal 9 (SIGKILL)")
        #expect(WorkerExit(waitStatus: 3 << 8) == .exited(code: 3))
        #expect(WorkerExit(waitStatus: 3 << 8).description == "exit code 3")
        #expect(WorkerExit(waitStatus: 0x80 | 11).description == "signal 11 (SIGSEGV)")  // with a core dump
    }

    @Test("control messages survive the wire; anything else is ignored")
    func controlMessages() {
        for message in [ControlMessage.ready, .statisticsRequest, .statistics(requests: 123_456, connections: 7)] {
            #expect(ControlMessage(Substring(message.text)) == message)
            #expect(message.text.utf8.count <= ControlMessage.maximumLength)
        }
        for garbage in ["", "stats", "stats 1", "stats -1 2", "stats a b", "ready!", "stats 1 2 3"] {
            #expect(ControlMessage(Substring(garbage)) == nil, "\(garbage)")
        }
    }

    @Test("the binary upgrade's hand-over survives the environment; a damaged one is an error naming the variable")
    func handover() throws {
        let handover = Handover(listener: 11, workers: [
            .init(slot: 0, pid: 4242, control: 12, restarts: 0), .init(slot: 1, pid: 4243, control: 13, restarts: 2),
        ])
        #expect(try Handover(text: handover.text) == handover)
        #expect(try Handover(text: "11;").workers.isEmpty)
        for damaged in ["", "11", "x;0:1:2:3", "11;0:1:2", "11;0:-1:2:3"] {
            let error = #expect(throws: ConfigurationError.self) { try Handover(text: damaged) }
            #expect(error?.variable == "PRONTO_SUPERVISOR_HANDOVER")
        }
    }

    @Test("a worker's and systemd's sockets are found in the environment, for this process only")
    func inheritedListener() throws {
        #expect(try InheritedListener.from(environment: ["PRONTO_WORKER": "2,3,4"], pid: 10) == .worker(slot: 2, listener: 3, control: 4))
        #expect(try InheritedListener.from(environment: ["LISTEN_FDS": "1", "LISTEN_PID": "10"], pid: 10) == .systemd(listener: 3))
        // Variables meant for another process (the parent that was activated) are not ours.
        #expect(try InheritedListener.from(environment: ["LISTEN_FDS": "1", "LISTEN_PID": "9"], pid: 10) == nil)
        #expect(try InheritedListener.from(environment: [:], pid: 10) == nil)
        let many = #expect(throws: ConfigurationError.self) {
            try InheritedListener.from(environment: ["LISTEN_FDS": "2", "LISTEN_PID": "10"], pid: 10)
        }
        #expect(many?.description.contains("Pronto serves one listening socket") == true)
        #expect(throws: ConfigurationError.self) { try InheritedListener.from(environment: ["PRONTO_WORKER": "2,3"], pid: 10) }
    }

    @Test("the supervisor's socket reports the address with the port the system chose")
    func listeningAddress() throws {
        let tcp = try ListeningSocket.make(on: .tcp(host: "127.0.0.1", port: 0), backlog: 16, reusePort: false)
        defer { close(tcp) }
        let address = ListeningSocket.address(of: tcp)
        #expect(address.hasPrefix("127.0.0.1:") && !address.hasSuffix(":0"), "\(address)")
        #expect(ListeningSocket.isTCP(tcp))
        let path = "/tmp/pronto-listen-\(getpid()).sock"
        let unix = try ListeningSocket.make(on: .unixSocket(path: path), backlog: 16, reusePort: false)
        defer { close(unix); unlink(path) }
        #expect(ListeningSocket.address(of: unix) == "unix:\(path)")
        #expect(!ListeningSocket.isTCP(unix))
        let taken = #expect(throws: SupervisorError.self) {
            try ListeningSocket.make(on: .tcp(host: "127.0.0.1", port: Int(address.split(separator: ":")[1])!), backlog: 16, reusePort: false)
        }
        #expect(taken?.description.contains("cannot listen on 127.0.0.1:") == true)
    }

    @Test("a worker's server says ready, serves on the inherited socket, reports its figures, and stops when the supervisor is gone")
    func workerLink() async throws {
        let listener = try ListeningSocket.make(on: .tcp(host: "127.0.0.1", port: 0), backlog: 16, reusePort: false)
        let port = Int(ListeningSocket.address(of: listener).split(separator: ":")[1])!
        var pair: [CInt] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0, &pair) == 0)
        let supervisorEnd = pair[0]
        defer { close(supervisorEnd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(supervisorEnd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var configuration = quietConfiguration()
        configuration.eventLoopThreads = 1
        let server = Server(configuration: configuration) { _ in .response(Response(body: .string("from the worker"))) }
        try await server.start(adopting: .worker(slot: 0, listener: listener, control: pair[1]))
        #expect(await receive(from: supervisorEnd) == .message(.ready))

        for _ in 0..<3 {
            let answer = try await RawClient.exchange(
                address: try .init(ipAddress: "127.0.0.1", port: port), request: "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(answer.hasSuffix("from the worker"))
        }
        #expect(ControlMessage.statisticsRequest.deliver(on: supervisorEnd))
        let figures = await receive(from: supervisorEnd)
        guard case .message(.statistics(let requests, _)) = figures else {
            Issue.record("expected statistics, got \(figures)")
            return
        }
        #expect(requests == 3)
        #expect(await server.requestsServed() == 3)

        // The supervisor's end closes (killed with SIGKILL, say): the worker stops by itself.
        shutdown(supervisorEnd, CInt(SHUT_RDWR))
        // Bounded: polled rather than awaited in a task group, whose end would wait for a
        // waitUntilStopped() that cancellation cannot end.
        let deadline = ContinuousClock.now + .seconds(10)
        while server.localAddress != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.localAddress == nil, "the worker did not stop when its supervisor went away")
        if server.localAddress == nil { await server.waitUntilStopped() }
    }

    @Test("--status: the control socket answers each client with the report")
    func controlSocket() async throws {
        let path = "/tmp/pronto-control-\(getpid()).sock"
        let socket = try ControlSocket(path: path)
        defer { socket.close() }
        // The client blocks in recv: on a thread pool's thread, never on one of the few
        // threads Swift concurrency runs every test's tasks on.
        let answer = Task { try await NIOThreadPool.singleton.runIfActive { try Supervisor.status(controlSocket: path) } }
        var clients: [CInt] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while clients.isEmpty, ContinuousClock.now < deadline {
            clients = socket.acceptAll()
            if clients.isEmpty { try await Task.sleep(for: .milliseconds(5)) }  // polling a non-blocking accept, bounded
        }
        #expect(clients.count == 1)
        for client in clients { ControlSocket.reply("supervisor pid=1\n", to: client) }
        #expect(try await answer.value == "supervisor pid=1\n")
        let missing = #expect(throws: SupervisorError.self) { try Supervisor.status(controlSocket: path + ".none") }
        #expect(missing?.description.contains("is a supervisor running with this control socket?") == true)
    }
}

/// A blocking receive (bounded by the socket's timeout), off Swift concurrency's threads.
private func receive(from socket: CInt) async -> ControlMessage.Received {
    (try? await NIOThreadPool.singleton.runIfActive { ControlMessage.receive(from: socket) }) ?? .closed
}
