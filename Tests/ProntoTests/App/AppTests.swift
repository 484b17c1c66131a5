import NIOConcurrencyHelpers
import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("App")
struct AppTests {
    /// An app with the routes these tests use.
    static func makeApp() -> App {
        let app = App(configuration: quietConfiguration())
        app.get("/hello/{name}") { request in "Hello \(request.parameter("name") ?? "?")" }
        app.get("/users/{id}/posts/{post}") { request in
            let id = try request.parameter("id", as: Int.self)
            let post = try request.parameter("post", as: Int.self)
            return "user \(id) post \(post)"
        }
        app.get("/files/*") { request in "file \(request.parameter("*") ?? "")" }
        app.post("/items") { _ in HTTPStatus.created }
        app.delete("/items/{id}") { _ in Response(status: .noContent) }
        app.get("/async/{value}") { request async throws -> String in
            // Async handlers run on the connection's own event loop.
            let onLoop = request.eventLoop.inEventLoop
            let value = try await request.eventLoop.submit { "computed" }.get()
            return "\(request.parameter("value")!) \(value) onLoop=\(onLoop) still=\(request.eventLoop.inEventLoop)"
        }
        app.get("/fail") { _ -> String in throw HTTPError(.conflict, "already there") }
        app.on(methodName: "PURGE", "/cache/{key}") { request async in "purged \(request.parameter("key")!)" }
        let api = app.group("/api", middleware: [ClosureMiddleware { request, next in
            var response = try await next(request)
            response.headers.add(name: "X-Group", value: "api")
            return response
        }])
        api.get("/status") { _ in "ok" }
        return app
    }

    @Test("routes match parameters, catch-all and methods", arguments: bothModes)
    func routing(mode: TestMode) async throws {
        try await Self.makeApp().test(mode) { client async throws in
            #expect(try await client.get("/hello/world").bodyString == "Hello world")
            #expect(try await client.get("/hello/w%C3%B6rld").bodyString == "Hello wörld")
            #expect(try await client.get("/users/7/posts/42").bodyString == "user 7 post 42")
            #expect(try await client.get("/files/a/b.txt").bodyString == "file a/b.txt")
            #expect(try await client.post("/items", body: "x").status == 201)
            #expect(try await client.delete("/items/3").status == 204)
            #expect(try await client.request("PURGE", "/cache/k1").bodyString == "purged k1")
        }
    }

    @Test("404, 405 with Allow, automatic OPTIONS, HEAD served from GET", arguments: bothModes)
    func methodHandling(mode: TestMode) async throws {
        try await Self.makeApp().test(mode) { client async throws in
            let missing = try await client.get("/nope")
            #expect(missing.status == 404)
            let wrongMethod = try await client.request("PUT", "/hello/x")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("allow") == "GET, HEAD, OPTIONS")
            let options = try await client.options("/items/1")
            #expect(options.status == 204)
            #expect(options.header("allow")?.contains("DELETE") == true)
            let head = try await client.head("/hello/x")
            #expect(head.status == 200)
            #expect(head.header("content-length") == "7")
            #expect(head.body.isEmpty)
            #expect(try await client.get("/hello/x").bodyString == "Hello x")
        }
    }

    @Test("a bad typed parameter is a 400 naming it; HTTPError keeps its status", arguments: bothModes)
    func errors(mode: TestMode) async throws {
        try await Self.makeApp().test(mode) { client async throws in
            let bad = try await client.get("/users/seven/posts/1")
            #expect(bad.status == 400)
            #expect(bad.bodyString.contains("\"id\""))
            #expect(bad.bodyString.contains("seven"))
            let conflict = try await client.get("/fail")
            #expect(conflict.status == 409)
            #expect(conflict.bodyString == "already there\n")
            #expect(try await client.get("/hello/again").status == 200)
        }
    }

    @Test("async handlers run on the connection's event loop and stay there after awaiting", arguments: bothModes)
    func asyncOnLoop(mode: TestMode) async throws {
        try await Self.makeApp().test(mode) { client async throws in
            #expect(try await client.get("/async/v").bodyString == "v computed onLoop=true still=true")
        }
    }

    @Test("group prefix and group middleware", arguments: bothModes)
    func groups(mode: TestMode) async throws {
        try await Self.makeApp().test(mode) { client async throws in
            let response = try await client.get("/api/status")
            #expect(response.bodyString == "ok")
            #expect(response.header("x-group") == "api")
            #expect(try await client.get("/hello/x").header("x-group") == nil)
        }
    }

    @Test("app middleware sees every request in order, 404s included", arguments: bothModes)
    func appMiddleware(mode: TestMode) async throws {
        let app = Self.makeApp()
        app.use(
            ClosureMiddleware { request, next in
                var response = try await next(request)
                response.headers.add(name: "X-Order", value: "outer")
                return response
            },
            ClosureMiddleware { request, next in
                var response = try await next(request)
                response.headers.add(name: "X-Order", value: "inner")
                return response
            }
        )
        try await app.test(mode) { client async throws in
            let response = try await client.get("/nope")
            #expect(response.status == 404)
            #expect(response.headers(named: "x-order") == ["inner", "outer"])
        }
    }

    @Test("a route conflict is an error at startup naming both routes")
    func conflict() async throws {
        let app = App(configuration: quietConfiguration())
        app.get("/a/{x}") { _ in "x" }
        app.get("/a/{y}") { _ in "y" }
        #expect {
            _ = try app.makeHandler()
        } throws: { error in
            let message = "\(error)"
            return message.contains("/a/{x}") && message.contains("/a/{y}")
        }
    }

    @Test("startup hooks run before serving, shutdown hooks after", arguments: bothModes)
    func hooks(mode: TestMode) async throws {
        let app = Self.makeApp()
        let events = EventLog()
        app.onStartup { _ in events.append("start") }
        app.onShutdown { _ in events.append("stop") }
        try await app.test(mode) { client async throws in
            #expect(events.entries == ["start"])
            #expect(try await client.get("/hello/x").status == 200)
        }
        #expect(events.entries == ["start", "stop"])
    }

    @Test("shutdown hooks run while the server's event loops still run, so they can close clients bound to them")
    func shutdownHooksStillHaveTheLoops() async throws {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        let app = App(configuration: configuration, handlesSignals: false)
        let loops = NIOLockedValueBox<[any EventLoop]>([])
        let events = EventLog()
        app.get("/loop") { request in
            loops.withLockedValue { $0.append(request.eventLoop) }
            return "ok"
        }
        app.onShutdown { _ in
            let loop = try #require(loops.withLockedValue { $0.first })
            // Fails with "EventLoop shut down" if the loops were stopped before the hooks.
            try await loop.submit { events.append("hook ran on the server's loop") }.get()
        }
        let server = try await app.start()
        let address = try #require(server.localAddress)
        _ = try await RawClient.exchange(address: address, request: "GET /loop HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        await app.shutdown()
        #expect(events.entries == ["hook ran on the server's loop"])
    }

    @Test("a live app serves over a socket and shuts down gracefully")
    func liveApp() async throws {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        let app = App(configuration: configuration, handlesSignals: false)
        app.get("/hello/{name}") { request in "Hello \(request.parameter("name")!)" }
        let server = try await app.start()
        let address = try #require(server.localAddress)
        let response = try await RawClient.exchange(address: address, request: "GET /hello/live HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(response.hasSuffix("Hello live"))
        await app.shutdown()
        #expect(server.localAddress == nil)
    }
}
