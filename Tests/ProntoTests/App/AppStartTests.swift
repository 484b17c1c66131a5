import Pronto
import ProntoTestSupport
import Testing

@Suite("App: starting")
struct AppStartTests {
    static func liveConfiguration() -> ServerConfiguration {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        return configuration
    }

    @Test("App.start() throws an invalid configuration's error before running a startup hook")
    func appStart() async throws {
        var configuration = quietConfiguration()
        configuration.maxPipelinedRequests = 0
        let app = App(configuration: configuration, handlesSignals: false)
        let events = EventLog()
        app.onStartup { _ in events.append("start") }
        await #expect(throws: ConfigurationError.self) { try await app.start() }
        #expect(events.entries.isEmpty)
    }

    @Test("a second App.start() throws an error saying the app is already started; the first server keeps serving")
    func appStartsOnce() async throws {
        let app = App(configuration: Self.liveConfiguration(), handlesSignals: false)
        let events = EventLog()
        app.onStartup { _ in events.append("start") }
        app.get("/hello") { _ in "hello" }
        let server = try await app.start()
        await #expect {
            try await app.start()
        } throws: { error in
            (error as? AppError) == .alreadyStarted && "\(error)".contains("already started")
        }
        #expect(events.entries == ["start"])
        #expect(app.server === server)
        let address = try #require(server.localAddress)
        let response = try await RawClient.exchange(address: address, request: "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(response.hasSuffix("hello"))
        await app.shutdown()
    }
}
