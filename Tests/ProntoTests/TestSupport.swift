import NIOConcurrencyHelpers
import Pronto
import ProntoTesting

/// Both ways of reaching the server: every engine test runs in each.
let bothModes = TestMode.allCases

/// A gate async handlers wait on, opened by the test: makes out-of-order completion
/// deterministic without sleeping.
final class Gate: Sendable {
    private let state = NIOLockedValueBox<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLockedValue { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLockedValue { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Counts calls across threads; a test can wait (bounded) until a count is reached.
final class Counter: Sendable {
    private let state = NIOLockedValueBox<(value: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

    func increment() {
        let ready = state.withLockedValue { state in
            state.value += 1
            let value = state.value
            let ready = state.waiters.filter { $0.0 <= value }.map(\.1)
            state.waiters.removeAll { $0.0 <= value }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    var count: Int { state.withLockedValue { $0.value } }

    /// Returns once the count is at least `target`, or throws after `seconds`.
    func wait(until target: Int, seconds: Double = 5) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let reached = self.state.withLockedValue { state in
                        if state.value >= target { return true }
                        state.waiters.append((target, continuation))
                        return false
                    }
                    if reached { continuation.resume() }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw CounterTimeout(target: target)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    struct CounterTimeout: Error { let target: Int }
}

/// A handler like the hello example's, plus routes the engine tests need.
func testHandler(gates: [String: Gate] = [:], calls: Counter = Counter(), marks: EventLog = EventLog()) -> HTTPHandler {
    HTTPHandler { request in
        calls.increment()
        let path = request.path
        switch path {
        case "/plaintext":
            return .response(Response(contentType: "text/plain", body: .string("Hello, World!")))
        case "/echo":
            return .response(Response(contentType: request.contentType, body: request.body.map { .bytes($0) } ?? .empty))
        case "/async-echo":
            return .async { request in
                Response(contentType: request.contentType, body: request.body.map { .bytes($0) } ?? .empty)
            }
        case "/throw":
            struct Boom: Error {}
            throw Boom()
        case "/async-throw":
            return .async { _ in
                struct AsyncBoom: Error {}
                throw AsyncBoom()
            }
        case "/inject":
            return .response(Response(headers: ["X-Evil": "a\r\nSet-Cookie: x=1"], body: .string("no")))
        case "/big":
            return .response(Response(contentType: "application/octet-stream", body: .string(String(repeating: "x", count: 300_000))))
        case "/head-info":
            return .response(.text("\(request.methodName) \(request.target) \(request.header("x-test") ?? "-")"))
        default:
            if path.hasPrefix("/echo-path/") {
                return .response(.text(path))
            }
            if path.hasPrefix("/mark/") {
                let name = String(path.dropFirst("/mark/".count))
                return .async { _ in
                    marks.append(name)
                    return .text("marked \(name)")
                }
            }
            if path.hasPrefix("/async/") {
                let name = String(path.dropFirst("/async/".count))
                let gate = gates[name]
                return .async { request in
                    await gate?.wait()
                    return .text("async \(name)")
                }
            }
            return .response(Response(status: .notFound, body: .string("not found")))
        }
    }
}

extension TestConnection {
    /// `GET path` with a Host header, in one request.
    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("GET", path, headers: headers)
    }
}
