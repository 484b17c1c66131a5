import Foundation
import Logging
import GreetingsAPI
import GreetingsServer
import Pronto
import ProntoTesting
import Testing

@Suite("The Greetings API, generated from openapi.yaml, served by Pronto")
struct GreetingsTests {
    static func app() throws -> App {
        var logger = Logger(label: "greetings-test")
        logger.logLevel = ProcessInfo.processInfo.environment["GREETINGS_TEST_LOG"] != nil ? .debug : .critical
        return try GreetingsApp.make(configuration: ServerConfiguration(target: .tcp(host: "127.0.0.1", port: 0), logger: logger))
    }

    static func message(_ response: TestResponse) throws -> String? {
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return object?["message"] as? String
    }

    @Test("GET /greet/{name}: the path parameter (percent-decoded once), the query enum, JSON out", arguments: TestMode.allCases)
    func greeting(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let excited = try await client.get("/greet/ada?style=excited")
            #expect(excited.status == 200)
            #expect(excited.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(try Self.message(excited) == "Hello, ada!")
            #expect(try Self.message(try await client.get("/greet/ada")) == "Hello, ada.")
            #expect(try Self.message(try await client.get("/greet/J%C3%B6rg%2025")) == "Hello, Jörg 25.")
            #expect(try await client.get("/health").bodyString == "ok")
        }
    }

    @Test("bad input is a 4xx saying what was wrong, not a 500", arguments: TestMode.allCases)
    func badInput(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let style = try await client.get("/greet/ada?style=loud")
            #expect(style.status == 400)
            #expect(style.bodyString.lowercased().contains("style"), "\(style.bodyString)")
            let type = try await client.post("/echo", body: "{}", headers: [("Content-Type", "application/json")])
            #expect(type.status == 415 || type.status == 400, "\(type.status) \(type.bodyString)")
            #expect(try await client.delete("/greet/ada").status == 405)
        }
    }

    @Test("POST /echo: 256 KiB, chunked, streamed back byte for byte", arguments: TestMode.allCases)
    func echo(mode: TestMode) async throws {
        let body = (0..<(256 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var chunked: [UInt8] = []
        for start in stride(from: 0, to: body.count, by: 10_000) {
            let chunk = body[start..<min(start + 10_000, body.count)]
            chunked += Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10]
        }
        chunked += Array("0\r\n\r\n".utf8)
        try await Self.app().test(mode) { client async throws in
            let response = try await client.request(
                "POST", "/echo", headers: [("Content-Type", "application/octet-stream"), ("Transfer-Encoding", "chunked")], body: chunked)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/octet-stream")
            // Compared as a Bool: a failing #expect on 256 KiB arrays prints them whole.
            let same = response.body == body
            #expect(same, "\(response.body.count) bytes back of \(body.count): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
    }

    @Test("GET /notes/{title}.txt: a parameter inside a segment; the rest of the segment must match", arguments: TestMode.allCases)
    func notes(mode: TestMode) async throws {
        try await Self.app().test(mode) { client async throws in
            let note = try await client.get("/notes/welcome.txt")
            #expect(note.status == 200)
            #expect(note.bodyString == "Served by a generated OpenAPI handler.\n")
            #expect(try await client.get("/notes/missing.txt").status == 404, "the handler's own 404")
            #expect(try await client.get("/notes/welcome.md").status == 404, "does not fit {title}.txt")
            #expect(try await client.get("/notes/.txt").status == 404, "an empty title")
        }
    }
}
