import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

/// The engine's slot for a framework's per-request data: small, and carried untouched to
/// where the layer above reads it.
@Suite("Request context")
struct RequestContextTests {
    final class Marker: Sendable {
        let name: String
        init(_ name: String) { self.name = name }
    }

    @Test("the slot is 32 bytes and keeps the request small to copy")
    func size() {
        #expect(MemoryLayout<RequestContextStorage>.size == 32)
        // 272 bytes when the request had route parameters and a request id of its own.
        #expect(MemoryLayout<Request>.size <= 200)
    }

    @Test("what a dispatcher attaches reaches the async function it returns", arguments: bothModes)
    func carried(mode: TestMode) async throws {
        let handler = HTTPHandler { request in
            var request = request
            #expect(request.context.object == nil && request.context.bits == (0, 0, 0))
            request.context.object = Marker(request.path)
            request.context.bits = (1, 2, 3)
            if request.pathEquals("/sync") {
                return .response(.text(Self.describe(request)))
            }
            return .asyncWithRequest(request) { request in
                await Task.yield()
                return .text(Self.describe(request))
            }
        }
        try await withTestServer(mode, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            #expect(try await connection.get("/sync").bodyString == "/sync 1 2 3")
            #expect(try await connection.get("/async").bodyString == "/async 1 2 3")
        }
    }

    static func describe(_ request: Request) -> String {
        let bits = request.context.bits
        return "\((request.context.object as? Marker)?.name ?? "-") \(bits.0) \(bits.1) \(bits.2)"
    }
}
