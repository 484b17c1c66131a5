import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

// `Response.json` / `JSONBody` through the engine: the body is encoded into the
// connection's buffer, and an encoding error becomes a 500 for that request only.

private struct Reading: Codable, Sendable, ResponseEncodable {
    var sensor: String
    var value: Double
}

@Suite("JSON response bodies")
struct JSONBodyTests {
    static func handler() -> HTTPHandler {
        HTTPHandler.sync { request in
            if request.pathEquals("/ok") { return .json(Reading(sensor: "a/b", value: 1.5)) }
            if request.pathEquals("/nan") { return .json(Reading(sensor: "x", value: .nan)) }
            if request.pathEquals("/created") { return .json(["id": 7], status: .created) }
            return try Reading(sensor: "encodable", value: 2).response(for: request)
        }
    }

    @Test("Response.json writes application/json; a NaN is a 500 and the connection goes on", arguments: bothModes)
    func jsonResponses(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler()) { server in
            let connection = try await server.connect()
            let ok = try await connection.request("GET", "/ok")
            #expect(ok.status == 200)
            #expect(ok.header("content-type") == "application/json")
            #expect(ok.bodyString == #"{"sensor":"a\/b","value":1.5}"#)
            let failed = try await connection.request("GET", "/nan")
            #expect(failed.status == 500)
            #expect(!failed.bodyString.contains("sensor"))
            let created = try await connection.request("GET", "/created")
            #expect(created.status == 201)
            #expect(created.bodyString == #"{"id":7}"#)
            let encodable = try await connection.request("GET", "/other")
            #expect(encodable.bodyString == #"{"sensor":"encodable","value":2}"#)
        }
    }
}

@Suite("ByteBuffer.writeJSONString")
struct WriteJSONStringTests {
    @Test("escapes as Foundation does, quotes included")
    func escapes() {
        var buffer = ByteBuffer()
        buffer.writeJSONString("a\"b\\c/d\n\u{1}é🙂")
        #expect(String(buffer: buffer) == #""a\"b\\c\/d\n\u0001é🙂""#)
    }
}
