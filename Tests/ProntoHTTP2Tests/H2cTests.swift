import NIOCore
import NIOHPACK
import Pronto
import ProntoHTTP2
import ProntoTestSupport
import Testing

@Suite("HTTP/2 over cleartext (h2c by prior knowledge)")
struct H2cTests {
    static func routes(_ app: App) {
        app.get("/hello/{name}") { request in "Hello \(request.parameter("name")!) over \(request.header("host") ?? "?")\n" }
        app.get("/async") { (request: Request) async throws -> String in
            await Task.yield()
            return "async\n"
        }
        app.get("/fail") { (_: Request) throws -> String in throw SomeFailure() }
        app.post("/echo") { request in Response(body: .bytes(request.body ?? ByteBuffer())) }
        app.post("/count", body: .stream) { (request: Request) async throws -> String in
            var size = 0
            for try await chunk in request.bodyStream! { size += chunk.readableBytes }
            return "\(size)\n"
        }
        app.get("/stream") { _ in
            Response(contentType: "text/plain", body: .stream(ResponseBodyStream { writer in
                for index in 0..<3 { try await writer.write("part \(index)\n") }
                try await writer.finish(trailers: ["x-checksum": "done"])
            }))
        }
        app.get("/close-header") { _ in Response(headers: ["Connection": "close", "X-Kept": "yes"], body: .string("ok")) }
    }

    struct SomeFailure: Error {}

    @Test("requests on several streams reach the router, sync and async, each answered on its stream")
    func requests() async throws {
        let (app, port) = try await HTTP2TestApp.start(routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        try await client.request(stream: 1, path: "/hello/ann")
        try await client.request(stream: 3, path: "/async")
        try await client.request(stream: 5, path: "/missing")
        let hello = try await client.response(stream: 1)
        #expect(hello.headers.first?.status == "200")
        #expect(String(decoding: hello.body, as: UTF8.self) == "Hello ann over localhost\n")
        #expect(hello.headers.first?["content-length"].first == "25")
        #expect(hello.headers.first?["date"].first?.hasSuffix(" GMT") == true)
        let async = try await client.response(stream: 3)
        #expect(String(decoding: async.body, as: UTF8.self) == "async\n")
        #expect(try await client.response(stream: 5).headers.first?.status == "404")
        await client.close()
        await app.shutdown()
    }

    @Test("a handler's thrown error is a 500 on its stream; the connection serves the next stream")
    func handlerError() async throws {
        let (app, port) = try await HTTP2TestApp.start(routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        try await client.request(stream: 1, path: "/fail")
        #expect(try await client.response(stream: 1).headers.first?.status == "500")
        try await client.request(stream: 3, path: "/hello/bo")
        #expect(try await client.response(stream: 3).headers.first?.status == "200")
        #expect(!client.isClosed)
        await client.close()
        await app.shutdown()
    }

    @Test("request bodies: collected, streamed, and refused past the limit with 413")
    func bodies() async throws {
        let (app, port) = try await HTTP2TestApp.start(configure: { $0.limits.maxBodySize = 1000 }, routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        try await client.request(stream: 1, method: "POST", path: "/echo", endStream: false)
        try await client.send(.data, stream: 1, payload: Array("hello ".utf8))
        try await client.send(.data, flags: 0x1, stream: 1, payload: Array("there".utf8))
        #expect(String(decoding: try await client.response(stream: 1).body, as: UTF8.self) == "hello there")

        try await client.request(stream: 3, method: "POST", path: "/count", endStream: false)
        for _ in 0..<10 { try await client.send(.data, stream: 3, payload: [UInt8](repeating: 1, count: 5000)) }
        try await client.send(.data, flags: 0x1, stream: 3)
        #expect(String(decoding: try await client.response(stream: 3).body, as: UTF8.self) == "50000\n")

        try await client.request(stream: 5, method: "POST", path: "/echo", endStream: false)
        try await client.send(.data, stream: 5, payload: [UInt8](repeating: 1, count: 1500))
        #expect(try await client.response(stream: 5).headers.first?.status == "413")
        try await client.request(stream: 7, path: "/hello/x")
        #expect(try await client.response(stream: 7).headers.first?.status == "200")
        await client.close()
        await app.shutdown()
    }

    @Test("a streamed response goes out as DATA frames and ends with its trailers")
    func streamedResponse() async throws {
        let (app, port) = try await HTTP2TestApp.start(routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        try await client.request(stream: 1, path: "/stream")
        let response = try await client.response(stream: 1)
        #expect(String(decoding: response.body, as: UTF8.self) == "part 0\npart 1\npart 2\n")
        #expect(response.headers.count == 2)
        #expect(response.headers.last?["x-checksum"].first == "done")
        await client.close()
        await app.shutdown()
    }

    @Test("connection-specific headers a handler sets for HTTP/1.1 are left out (RFC 9113 §8.2.2)")
    func connectionHeaders() async throws {
        let (app, port) = try await HTTP2TestApp.start(routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        try await client.request(stream: 1, path: "/close-header")
        let head = try #require(try await client.response(stream: 1).headers.first)
        #expect(head["connection"].isEmpty)
        #expect(head["x-kept"].first == "yes")
        await client.close()
        await app.shutdown()
    }

    @Test("HTTP/1.1 still works on the same port; an HTTP/2-only pipeline closes an HTTP/1.1 connection")
    func http1Beside() async throws {
        let (app, port) = try await HTTP2TestApp.start(routes: Self.routes)
        let reply = try await RawClient.exchange(
            address: try .init(ipAddress: "127.0.0.1", port: port), request: "GET /hello/h1 HTTP/1.1\r\nHost: one\r\nConnection: close\r\n\r\n"
        )
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(reply.hasSuffix("Hello h1 over one\n"))
        await app.shutdown()

        let (only, onlyPort) = try await HTTP2TestApp.start(pipeline: HTTP2Pipeline(protocols: .http2Only), routes: Self.routes)
        let refused = try await RawClient.exchange(
            address: try .init(ipAddress: "127.0.0.1", port: onlyPort), request: "GET /hello/h1 HTTP/1.1\r\nHost: one\r\n\r\n"
        )
        #expect(refused.isEmpty)
        await only.shutdown()
    }

    @Test("a header block that is not a request Pronto serves is answered on its stream: CONNECT 501")
    func refusedHeads() async throws {
        let (app, port) = try await HTTP2TestApp.start(routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        var encoder = NIOHPACK.HPACKEncoder(allocator: ByteBufferAllocator())
        var block = ByteBuffer()
        try encoder.encode(headers: HPACKHeaders([(":method", "CONNECT"), (":authority", "example.com:443")]), to: &block)
        try await client.send(.headers, flags: 0x5, stream: 1, payload: Array(block.readableBytesView))
        #expect(try await client.response(stream: 1).headers.first?.status == "501")
        await client.close()
        await app.shutdown()
    }
}
