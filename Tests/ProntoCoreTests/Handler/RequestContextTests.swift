import NIOCore
import NIOPosix
import ProntoCore
import ProntoHTTP
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

    /// Sets the slot in place, as the framework's dispatcher does.
    static let inPlaceHandler = HTTPHandler.inPlace { request in
        #expect(request.context.object == nil && request.context.bits == (0, 0, 0))
        request.context.object = Marker(request.path)
        request.context.bits = (4, 5, 6)
        if request.pathEquals("/sync") {
            return .response(.text(Self.describe(request)))
        }
        return .async { request in
            await Task.yield()
            return .text(Self.describe(request))
        }
    }

    @Test("what an in-place dispatcher sets is the request its async function runs with", arguments: bothModes)
    func inPlace(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.inPlaceHandler) { server in
            let connection = try await server.connect()
            #expect(try await connection.get("/sync").bodyString == "/sync 4 5 6")
            #expect(try await connection.get("/async").bodyString == "/async 4 5 6")
            #expect(try await connection.get("/async").bodyString == "/async 4 5 6")
        }
    }

    @Test("an in-place handler called by value (HTTP/2's path) answers .async with its copy")
    func inPlaceByValue() throws {
        var parser = RequestParser()
        let bytes = ByteBuffer(string: "GET /async HTTP/1.1\r\nHost: a\r\n\r\n")
        guard case .complete(let head) = bytes.withUnsafeReadableBytes({ parser.parse($0) }) else {
            Issue.record("the request did not parse")
            return
        }
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let request = Request(
            head: head, headBytes: bytes, body: nil,
            connection: ConnectionInfo(remoteAddress: nil, eventLoop: loop, allocator: ByteBufferAllocator())
        )
        switch try Self.inPlaceHandler.dispatch(request) {
        case .asyncWithRequest(let attached, _):
            #expect(Self.describe(attached) == "/async 4 5 6")
            #expect(request.context.bits == (0, 0, 0), "the caller's own request is untouched")
        case .async, .response:
            Issue.record("dispatch must hand back the request the handler changed")
        }
    }

    static func describe(_ request: Request) -> String {
        let bits = request.context.bits
        return "\((request.context.object as? Marker)?.name ?? "-") \(bits.0) \(bits.1) \(bits.2)"
    }
}
