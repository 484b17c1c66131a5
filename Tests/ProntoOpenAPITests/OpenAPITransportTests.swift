import HTTPTypes
import NIOConcurrencyHelpers
import OpenAPIRuntime
import Pronto
@testable import ProntoOpenAPI
import ProntoTestSupport
import ProntoTesting
import Testing

/// An error the generated code would throw for bad input (a RuntimeError is one such).
private struct BadInput: Error, HTTPResponseConvertible {
    var httpStatus: HTTPResponse.Status { .badRequest }
}

private struct Broken: Error {}

@Suite("ProntoOpenAPI: swift-openapi-runtime's ServerTransport on App")
struct OpenAPITransportTests {
    typealias Handler = @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)

    @Test("path templates: whole-segment parameters, literals, parameters inside a segment")
    func templates() throws {
        let plain = try OpenAPIPathTemplate("/pets/{petId}/toys")
        #expect(plain.pattern == "/pets/{petId}/toys")
        #expect(plain.wholeSegmentParameters == ["petId"])
        #expect(plain.mixedSegments.isEmpty)
        let mixed = try OpenAPIPathTemplate("/files/{name}.{ext}")
        #expect(mixed.pattern == "/files/{_segment0}")
        #expect(mixed.mixedSegments.first?.pieces == [.parameter("name"), .literal("."), .parameter("ext")])
        let pieces = try #require(mixed.mixedSegments.first?.pieces)
        let matched = try #require(OpenAPIPathTemplate.match("report.2026.pdf", pieces))
        #expect(matched.map { "\($0.0)=\($0.1)" } == ["name=report", "ext=2026.pdf"])
        #expect(OpenAPIPathTemplate.match("report", pieces) == nil)
        #expect(OpenAPIPathTemplate.match(".pdf", pieces) == nil)
    }

    @Test("templates Pronto cannot route are refused with the reason", arguments: [
        ("pets", "starts with /"), ("/pets/{id", "without its }"), ("/pets/{}", "empty"), ("/a/{x}{y}", "side by side"), ("/a/b}", "without its {"),
    ])
    func badTemplates(template: String, reason: String) {
        #expect { try OpenAPIPathTemplate(template) } throws: { error in
            "\(error)".contains(reason) && "\(error)".contains(template)
        }
    }

    static func app(_ register: (App) throws -> Void) rethrows -> App {
        let app = App(configuration: quietConfiguration())
        try register(app)
        return app
    }

    @Test("a registered operation gets the HTTPRequest, raw path parameters and the query; its response is sent", arguments: TestMode.allCases)
    func operation(mode: TestMode) async throws {
        let seen = NIOLockedValueBox<(HTTPRequest, ServerRequestMetadata)?>(nil)
        let app = try Self.app { app in
            try app.register({ request, _, metadata in
                seen.withLockedValue { $0 = (request, metadata) }
                var head = HTTPResponse(status: .accepted)
                head.headerFields[.contentType] = "text/plain"
                return (head, HTTPBody("got it"))
            }, method: .get, path: "/pets/{petId}/photos/{file}.jpg")
        }
        try await app.test(mode) { client async throws in
            let response = try await client.get("/pets/a%2Fb/photos/cat.jpg?size=large")
            #expect(response.status == 202)
            #expect(response.header("Content-Type") == "text/plain")
            #expect(response.bodyString == "got it")
            #expect(try await client.get("/pets/1/photos/cat.png").status == 404)
        }
        let (request, metadata) = try #require(seen.withLockedValue { $0 })
        #expect(request.method == .get)
        #expect(request.path == "/pets/a%2Fb/photos/cat.jpg?size=large")
        #expect(metadata.pathParameters == ["petId": "a%2Fb", "file": "cat"], "raw: the generated code decodes")
    }

    @Test("request bodies stream in, response bodies of unknown length stream out", arguments: TestMode.allCases)
    func bodies(mode: TestMode) async throws {
        let app = try Self.app { app in
            try app.register({ _, body, _ in
                let body = try #require(body)
                var pieces = 0
                var total = 0
                for try await piece in body { pieces += 1; total += piece.count }
                let reply = HTTPBody(AsyncStream<ArraySlice<UInt8>> { continuation in
                    continuation.yield(ArraySlice("\(total) bytes ".utf8))
                    continuation.yield(ArraySlice("in \(pieces > 0 ? "pieces" : "none")".utf8))
                    continuation.finish()
                }, length: .unknown)
                return (HTTPResponse(status: .ok), reply)
            }, method: .post, path: "/upload")
        }
        try await app.test(mode) { client async throws in
            let response = try await client.request(
                "POST", "/upload", headers: [("Transfer-Encoding", "chunked")], body: Array("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n".utf8))
            #expect(response.status == 200)
            #expect(response.bodyString == "7 bytes in pieces")
            #expect(response.header("Transfer-Encoding") == "chunked")
        }
    }

    @Test("bad input (an HTTPResponseConvertible 4xx) is answered with its status; a handler's own error is a 500", arguments: TestMode.allCases)
    func errors(mode: TestMode) async throws {
        let app = try Self.app { app in
            try app.register({ _, _, _ in throw BadInput() }, method: .get, path: "/bad")
            try app.register({ _, _, _ in throw Broken() }, method: .get, path: "/broken")
        }
        try await app.test(mode) { client async throws in
            let bad = try await client.get("/bad")
            #expect(bad.status == 400)
            #expect(bad.bodyString.contains("BadInput"))
            #expect(try await client.get("/broken").status == 500)
            #expect(try await client.get("/bad").status == 400, "the connection goes on")
        }
    }

    @Test("an OpenAPITransport on a route group: the prefix and the group's middleware apply")
    func group() async throws {
        let app = App(configuration: quietConfiguration())
        let tagged = ClosureMiddleware { request, next in
            var response = try await next(request)
            response.headers.add(name: "X-Group", value: "api")
            return response
        }
        try OpenAPITransport(app.group("/api", middleware: [tagged])).register(
            { _, _, _ in (HTTPResponse(status: .noContent), nil) }, method: .delete, path: "/pets/{id}")
        try await app.test(.inProcess) { client async throws in
            let response = try await client.delete("/api/pets/3")
            #expect(response.status == 204)
            #expect(response.header("X-Group") == "api")
        }
    }
}
