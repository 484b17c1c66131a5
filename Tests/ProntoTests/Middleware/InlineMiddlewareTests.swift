import NIOConcurrencyHelpers
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

/// Appends its name to a header on the way in (request) and out (response), so a test sees
/// the order middleware ran in.
private struct Tag: InlineMiddleware {
    let name: String
    func willRespond(to request: inout Request) -> MiddlewareStep<String> {
        .proceed(name + "-in")
    }
    func didRespond(to request: Request, context: String, response: inout Response) {
        response.headers.add(name: "X-Trace", value: context)
        response.headers.add(name: "X-Trace", value: name + "-out")
    }
}

/// Answers 401 before the handler unless the request has a token.
private struct RequireToken: InlineMiddleware {
    func willRespond(to request: inout Request) -> MiddlewareStep<Void> {
        request.header("x-token") == "secret" ? .proceed : .respond(.text("no token", status: .unauthorized))
    }
}

/// Turns any error into a 503 naming it.
private struct Recover: InlineMiddleware {
    func didFail(request: Request, context: Void, error: any Error) -> Response {
        .text("recovered: \(error)", status: .serviceUnavailable)
    }
}

private struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// Whether the code calling it runs inside a Swift task (an async route) or inline on the
/// event loop (a sync route behind inline middleware only).
private func runsInTask() -> Bool { withUnsafeCurrentTask { $0 != nil } }

@Suite("Inline middleware")
struct InlineMiddlewareTests {
    static func app() -> App {
        let app = App(configuration: quietConfiguration())
        app.use(Tag(name: "outer"))
        let inline = app.group("/inline", middleware: [Tag(name: "inner")])
        inline.get("/sync") { _ in "in task: \(runsInTask())" }
        inline.get("/async") { _ async in "in task: \(runsInTask())" }
        let mixed = app.group("/mixed", middleware: [
            ClosureMiddleware { request, next in
                var response = try await next(request)
                response.headers.add(name: "X-Trace", value: "async")
                return response
            },
            Tag(name: "inner"),
        ])
        mixed.get("/sync") { _ in "in task: \(runsInTask())" }
        let guarded = app.group("/guarded", middleware: [RequireToken()])
        guarded.get("/data") { _ in "data" }
        let recovering = app.group("/recovering", middleware: [Recover()])
        recovering.get("/sync") { _ -> String in throw Boom() }
        recovering.get("/async") { _ async throws -> String in throw Boom() }
        return app
    }

    @Test("a sync route behind inline middleware stays sync: no task, run inline on the loop", arguments: bothModes)
    func staysSync(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let sync = try await client.get("/inline/sync")
            #expect(sync.bodyString == "in task: false")
            #expect(sync.headers(named: "x-trace") == ["inner-in", "inner-out", "outer-in", "outer-out"])
            // An async route, or an async Middleware in the chain, runs in a task.
            #expect(try await client.get("/inline/async").bodyString == "in task: true")
            let mixed = try await client.get("/mixed/sync")
            #expect(mixed.bodyString == "in task: true")
            #expect(mixed.headers(named: "x-trace") == ["inner-in", "inner-out", "async", "outer-in", "outer-out"])
        }
    }

    @Test("app middleware sees unrouted requests too (404 and 405)", arguments: bothModes)
    func unrouted(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let missing = try await client.get("/nowhere")
            #expect(missing.status == 404)
            #expect(missing.headers(named: "x-trace") == ["outer-in", "outer-out"])
            let wrongMethod = try await client.post("/inline/sync", body: "x")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers(named: "x-trace") == ["outer-in", "outer-out"])
        }
    }

    @Test("willRespond can answer early: the handler is not called", arguments: bothModes)
    func shortCircuit(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let refused = try await client.get("/guarded/data")
            #expect(refused.status == 401)
            #expect(refused.bodyString == "no token")
            #expect(try await client.get("/guarded/data", headers: [("X-Token", "secret")]).bodyString == "data")
        }
    }

    @Test("didFail turns a thrown error into a response, for sync and async routes", arguments: bothModes)
    func recovery(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            for path in ["/recovering/sync", "/recovering/async"] {
                let response = try await client.get(path)
                #expect(response.status == 503, "\(path)")
                #expect(response.bodyString == "recovered: boom", "\(path)")
            }
        }
    }
}
