import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

/// Registration closes when the routes are compiled; what comes later is refused and
/// logged as an error, never silently dropped.
@Suite("Registration after start")
struct LateRegistrationTests {
    static func app(logging capture: LogCapture, target: BindTarget? = nil) -> App {
        var configuration = quietConfiguration()
        configuration.logger = capture.logger
        if let target {
            configuration.target = target
            configuration.eventLoopThreads = 1
        }
        let app = App(configuration: configuration, handlesSignals: false)
        app.get("/early") { _ in "early" }
        return app
    }

    @Test("a route, middleware or startup hook registered after the routes were compiled is refused with an error naming it", arguments: bothModes)
    func refusedAndLogged(mode: TestMode) async throws {
        let capture = LogCapture()
        let app = Self.app(logging: capture)
        try await app.test(mode) { client async throws in
            app.get("/late") { _ in "late" }
            app.group("/api").post("/items/{id}") { _ in "late too" }
            app.use(ClosureMiddleware { request, next in
                var response = try await next(request)
                response.headers.add(name: "X-Late", value: "1")
                return response
            })
            app.onStartup { _ in }
            #expect(try await client.get("/late").status == 404)
            let early = try await client.get("/early")
            #expect(early.bodyString == "early")
            #expect(early.header("x-late") == nil)
        }
        let log = capture.text
        #expect(log.contains("route GET /late registered after the routes were compiled"))
        #expect(log.contains("route POST /api/items/{id} registered after"))
        #expect(log.contains("middleware ClosureMiddleware registered after"))
        #expect(log.contains("startup hook registered after"))
        #expect(log.contains("register routes, middleware and startup hooks before start(), or in an onStartup hook"))
    }

    @Test("after App.start() a route is refused and logged; the app serves what it had")
    func afterStart() async throws {
        let capture = LogCapture()
        let app = Self.app(logging: capture, target: .tcp(host: "127.0.0.1", port: 0))
        let server = try await app.start()
        app.delete("/late/{id}") { _ in "late" }
        #expect(capture.text.contains("route DELETE /late/{id} registered after the routes were compiled (by start() or makeHandler()) is ignored"))
        let address = try #require(server.localAddress)
        let response = try await RawClient.exchange(address: address, request: "DELETE /late/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 404"))
        await app.shutdown()
        app.onShutdown { _ in }
        #expect(capture.text.contains("a shutdown hook registered after the shutdown hooks ran is ignored"))
    }

    @Test("startup hooks may still register routes, middleware and further hooks", arguments: bothModes)
    func startupHooksRegister(mode: TestMode) async throws {
        let capture = LogCapture()
        let app = Self.app(logging: capture)
        let events = EventLog()
        app.onStartup { app in
            app.get("/from-hook") { _ in "from hook" }
            app.onStartup { _ in events.append("nested hook ran") }
        }
        try await app.test(mode) { client async throws in
            #expect(try await client.get("/from-hook").bodyString == "from hook")
        }
        #expect(events.entries == ["nested hook ran"])
        #expect(capture.text.isEmpty)
    }
}
