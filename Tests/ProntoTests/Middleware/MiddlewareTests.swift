import Logging
import NIOConcurrencyHelpers
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Built-in middleware")
struct MiddlewareTests {
    static func app(_ middleware: any Middleware...) -> App {
        let app = App(configuration: quietConfiguration())
        for m in middleware { app.use(m) }
        app.get("/id") { request in request.requestID ?? "none" }
        app.get("/boom") { _ -> String in
            struct Secret: Error { let password = "hunter2" }
            throw Secret()
        }
        app.get("/teapot") { _ -> String in throw HTTPError(HTTPStatus(code: 418), "tea") }
        app.post("/data") { _ in "posted" }
        return app
    }

    @Test("RequestIDMiddleware keeps a sane incoming id and makes one otherwise", arguments: bothModes)
    func requestID(mode: TestMode) async throws {
        try await Self.app(RequestIDMiddleware()).test(mode) { client async throws in
            let given = try await client.get("/id", headers: [("X-Request-ID", "abc-123")])
            #expect(given.bodyString == "abc-123")
            #expect(given.header("x-request-id") == "abc-123")
            let made = try await client.get("/id")
            #expect(made.bodyString.count == 32)
            #expect(made.header("x-request-id") == made.bodyString)
        }
    }

    @Test("route parameters and the request id travel together, through inline and async middleware into async handlers", arguments: bothModes)
    func parametersAndRequestID(mode: TestMode) async throws {
        let app = App(configuration: quietConfiguration())
        let api = app.group("/api", middleware: [RequestIDMiddleware(), ClosureMiddleware { request, next in try await next(request) }])
        api.get("/items/{id}/*") { request async throws -> String in
            try await Task.sleep(for: .milliseconds(1))
            return "\(try request.parameter("id", as: Int.self)) \(request.parameter("*") ?? "-") \(request.requestID ?? "none")"
        }
        app.get("/plain/{id}") { request in "\(request.parameter("id") ?? "-") \(request.requestID ?? "none")" }
        try await app.test(mode) { client async throws in
            let given = try await client.get("/api/items/7/a/b%20c", headers: [("X-Request-ID", "req-1")])
            #expect(given.bodyString == "7 a/b c req-1")
            let made = try await client.get("/api/items/8/")
            let id = try #require(made.header("x-request-id"))
            #expect(id.count == 32 && id.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
            #expect(made.bodyString == "8  \(id)")
            let plain = try await client.get("/plain/x", headers: [("X-Request-ID", "ignored")])
            #expect(plain.bodyString == "x none")
            let insane = try await client.get("/api/items/9/z", headers: [("X-Request-ID", "has space")])
            #expect(insane.header("x-request-id")?.count == 32)
        }
    }

    @Test("ErrorMiddleware: HTTPError keeps its status, other errors are a 500 that leaks nothing", arguments: bothModes)
    func errors(mode: TestMode) async throws {
        try await Self.app(ErrorMiddleware(logger: quietConfiguration().logger)).test(mode) { client async throws in
            let teapot = try await client.get("/teapot")
            #expect(teapot.status == 418)
            let boom = try await client.get("/boom")
            #expect(boom.status == 500)
            #expect(!boom.bodyString.contains("hunter2"))
            #expect(!boom.bodyString.contains("Secret"))
        }
    }

    @Test("CORSMiddleware answers preflights and marks allowed origins only", arguments: bothModes)
    func cors(mode: TestMode) async throws {
        let cors = try CORSMiddleware(allowedOrigins: .list(["https://good.example"]), maxAge: 60)
        try await Self.app(cors).test(mode) { client async throws in
            let preflight = try await client.options("/data", headers: [
                ("Origin", "https://good.example"), ("Access-Control-Request-Method", "POST"),
            ])
            #expect(preflight.status == 204)
            #expect(preflight.header("access-control-allow-origin") == "https://good.example")
            #expect(preflight.header("access-control-allow-methods")?.contains("POST") == true)
            #expect(preflight.header("access-control-max-age") == "60")
            let simple = try await client.post("/data", body: "x", headers: [("Origin", "https://good.example")])
            #expect(simple.header("access-control-allow-origin") == "https://good.example")
            #expect(simple.header("vary") == "Origin")
            let foreign = try await client.post("/data", body: "x", headers: [("Origin", "https://evil.example")])
            #expect(foreign.header("access-control-allow-origin") == nil)
            #expect(foreign.bodyString == "posted")
        }
    }

    @Test("CORSMiddleware with credentials for any origin throws, saying to list the origins")
    func corsCredentials() throws {
        #expect {
            _ = try CORSMiddleware(allowedOrigins: .any, allowCredentials: true)
        } throws: { error in
            error is ConfigurationError && "\(error)".hasPrefix("CORSMiddleware.allowCredentials = true is invalid")
                && "\(error)".contains("list the origins")
        }
        let listed = try CORSMiddleware(allowedOrigins: .list(["https://example.com"]), allowCredentials: true)
        #expect(listed.allowCredentials)
    }

    @Test("AccessLogMiddleware logs method, target and status of each request")
    func accessLog() async throws {
        let records = LogRecords()
        let logger = Logger(label: "access") { _ in CapturingLogHandler(records: records) }
        try await Self.app(AccessLogMiddleware(logger: logger), ErrorMiddleware(logger: quietConfiguration().logger)).test(.inProcess) { client async throws in
            _ = try await client.get("/id")
            _ = try await client.get("/teapot")
            _ = try await client.get("/missing")
        }
        #expect(records.messages == ["GET /id 200", "GET /teapot 418", "GET /missing 404"])
    }
}

final class LogRecords: Sendable {
    private let storage = NIOLockedValueBox<[String]>([])
    func append(_ message: String) { storage.withLockedValue { $0.append(message) } }
    var messages: [String] { storage.withLockedValue { $0 } }
}

struct CapturingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        records.append(message.description)
    }
}
