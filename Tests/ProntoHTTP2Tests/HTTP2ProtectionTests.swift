import NIOCore
import NIOHPACK
import Pronto
import ProntoHTTP2
import ProntoTestSupport
import Testing

@Suite("HTTP/2 against bad clients, and graceful shutdown")
struct HTTP2ProtectionTests {
    static func routes(_ app: App) {
        app.get("/plaintext") { _ in "Hello, World!" }
    }

    /// GOAWAY's error code ENHANCE_YOUR_CALM.
    static let enhanceYourCalm: UInt32 = 0xb

    @Test("rapid reset (CVE-2023-44487): a client that opens and resets streams past the limit is sent GOAWAY and closed")
    func rapidReset() async throws {
        let (app, port) = try await HTTP2TestApp.start(
            pipeline: HTTP2Pipeline(configuration: .init(maxResetsPerWindow: 50)), routes: Self.routes
        )
        let client = try await H2FrameClient.connect(port: port)
        let block = try client.headerBlock(path: "/plaintext")
        var flood: [UInt8] = []
        for index in 0..<100 {
            let stream = UInt32(2 * index + 1)
            flood += H2FrameClient.frameBytes(.headers, flags: 0x5, stream: stream, payload: block)
            flood += H2FrameClient.frameBytes(.rstStream, flags: 0, stream: stream, payload: UInt32(8).bigEndianBytes)  // CANCEL
        }
        try? await client.writeRaw(flood)
        let frames = try await client.waitFor("GOAWAY") { $0.contains { $0.kind == .goAway } }
        #expect(frames.first { $0.kind == .goAway }?.errorCode == Self.enhanceYourCalm)
        try await client.waitForClose()
        await app.shutdown()
    }

    @Test("CONTINUATION flood (CVE-2024-27316): a header block spread over too many frames closes the connection")
    func continuationFlood() async throws {
        let (app, port) = try await HTTP2TestApp.start(routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        let block = try client.headerBlock(path: "/plaintext")
        var flood = H2FrameClient.frameBytes(.headers, flags: 0x1, stream: 1, payload: block)  // no END_HEADERS
        for _ in 0..<50 {
            // Literal headers without indexing ("x: y"), never ending the block.
            flood += H2FrameClient.frameBytes(.continuation, flags: 0, stream: 1, payload: [0x00, 0x01, 0x78, 0x01, 0x79])
        }
        try? await client.writeRaw(flood)
        let frames = try await client.waitFor("GOAWAY") { $0.contains { $0.kind == .goAway } }
        #expect(frames.first { $0.kind == .goAway }?.errorCode != 0)
        #expect(!frames.contains { $0.stream == 1 && $0.kind == .headers })
        try await client.waitForClose()
        await app.shutdown()
    }

    @Test("a header list past the limit is not served")
    func headerListLimit() async throws {
        let (app, port) = try await HTTP2TestApp.start(configure: { $0.limits.maxHeaderSectionSize = 2048 }, routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        let settings = try await client.waitFor("the server's SETTINGS") { $0.contains { $0.kind == .settings && $0.flags & 1 == 0 } }
        #expect(settings.first { $0.kind == .settings }?.settings[6] == 2048)  // SETTINGS_MAX_HEADER_LIST_SIZE
        try await client.request(stream: 1, path: "/plaintext", extra: [("x-big", String(repeating: "a", count: 4000))])
        let frames = try await client.waitFor("a refusal") { frames in
            frames.contains { ($0.stream == 1 && ($0.kind == .rstStream || $0.kind == .headers)) || $0.kind == .goAway }
        }
        if let head = frames.first(where: { $0.stream == 1 && $0.kind == .headers }) {
            // Answered, then: with 431 (the head parser's limit), never served.
            var decoder = NIOHPACK.HPACKDecoder(allocator: ByteBufferAllocator())
            var buffer = ByteBuffer(bytes: head.payload)
            #expect(try decoder.decodeHeaders(from: &buffer).status == "431")
        }
        await client.close()
        await app.shutdown()
    }

    @Test("graceful shutdown: GOAWAY naming the last stream, the stream in flight answered, then close; shutdown returns")
    func gracefulShutdown() async throws {
        let gate = Gate()
        let entered = Counter()
        let (app, port) = try await HTTP2TestApp.start { app in
            app.get("/wait") { (_: Request) async throws -> String in
                entered.increment()
                await gate.wait()
                return "finished\n"
            }
        }
        let client = try await H2FrameClient.connect(port: port)
        try await client.request(stream: 1, path: "/wait")
        try await client.request(stream: 3, path: "/wait")
        try await entered.wait(until: 2)
        let stopped = Task { await app.shutdown() }
        let frames = try await client.waitFor("GOAWAY") { $0.contains { $0.kind == .goAway } }
        let goAway = try #require(frames.first { $0.kind == .goAway })
        #expect(UInt32(bytes: goAway.payload[0..<4]) == 3)  // the last stream the client opened
        #expect(goAway.errorCode == 0)  // NO_ERROR
        #expect(!client.isClosed)
        gate.open()
        for stream: UInt32 in [1, 3] {
            let response = try await client.response(stream: stream)
            #expect(String(decoding: response.body, as: UTF8.self) == "finished\n")
        }
        try await client.waitForClose()
        await stopped.value
    }

    @Test("an idle HTTP/2 connection is closed with GOAWAY after the idle timeout")
    func idleTimeout() async throws {
        let (app, port) = try await HTTP2TestApp.start(configure: { $0.idleTimeout = .milliseconds(200) }, routes: Self.routes)
        let client = try await H2FrameClient.connect(port: port)
        try await client.request(stream: 1, path: "/plaintext")
        #expect(try await client.response(stream: 1).headers.first?.status == "200")
        try await client.waitFor("GOAWAY") { $0.contains { $0.kind == .goAway } }
        if let ping = client.frames.first(where: { $0.kind == .ping && $0.flags & 1 == 0 }) {
            try? await client.send(.ping, flags: 0x1, stream: 0, payload: ping.payload)
        }
        try await client.waitForClose()
        await app.shutdown()
    }
}
