import NIOCore
import Pronto
import ProntoHTTP2
import ProntoTestSupport
import Testing

@Suite("HTTP/2 flow control and limits")
struct HTTP2FlowControlTests {
    @Test("a streamed response waits for the client's window: a slow reader holds the writer, not the server's memory")
    func slowReader() async throws {
        let writes = Counter()
        let (app, port) = try await HTTP2TestApp.start(pipeline: HTTP2Pipeline(configuration: .init(streamWriteBufferSize: 1024))) { app in
            app.get("/big") { _ in
                Response(body: .stream(ResponseBodyStream { writer in
                    for _ in 0..<200 {
                        try await writer.write(writer.allocator.buffer(repeating: UInt8(ascii: "x"), count: 1000))
                        writes.increment()
                    }
                }))
            }
        }
        // SETTINGS_INITIAL_WINDOW_SIZE (4) = 1000: the server may send 1000 bytes, then waits.
        let client = try await H2FrameClient.connect(port: port, settings: [(id: 4, value: 1000)])
        try await client.request(stream: 1, path: "/big")
        let first = try await client.waitFor("the first window's DATA") { frames in
            frames.filter { $0.stream == 1 && $0.kind == .data }.reduce(0) { $0 + $1.payload.count } >= 1000
        }
        #expect(first.filter { $0.stream == 1 && $0.kind == .data }.reduce(0) { $0 + $1.payload.count } == 1000)
        // Unbounded, the handler would have finished its 200 writes long before the client
        // saw its first DATA frame; with backpressure it waits after a few.
        #expect(writes.count < 10)
        try await client.send(.windowUpdate, stream: 0, payload: UInt32(1 << 20).bigEndianBytes)
        try await client.send(.windowUpdate, stream: 1, payload: UInt32(1 << 20).bigEndianBytes)
        let response = try await client.response(stream: 1)
        #expect(response.body.count == 200_000)
        #expect(writes.count == 200)
        await client.close()
        await app.shutdown()
    }

    @Test("the concurrent-stream limit is advertised and enforced: a stream past it is not served")
    func streamLimit() async throws {
        let gate = Gate()
        let entered = Counter()
        let (app, port) = try await HTTP2TestApp.start(pipeline: HTTP2Pipeline(configuration: .init(maxConcurrentStreams: 2))) { app in
            app.get("/wait") { (_: Request) async throws -> String in
                entered.increment()
                await gate.wait()
                return "done\n"
            }
        }
        let client = try await H2FrameClient.connect(port: port)
        #expect(client.frames.first { $0.kind == .settings }?.settings[3] == 2)  // SETTINGS_MAX_CONCURRENT_STREAMS
        try await client.request(stream: 1, path: "/wait")
        try await client.request(stream: 3, path: "/wait")
        try await entered.wait(until: 2)
        try await client.request(stream: 5, path: "/wait")
        // NIO treats a stream past the limit as a connection error (RFC 9113 §5.1.2 allows a
        // stream error too): GOAWAY with PROTOCOL_ERROR, and the connection closes.
        let frames = try await client.waitFor("GOAWAY") { $0.contains { $0.kind == .goAway } }
        #expect(frames.first { $0.kind == .goAway }?.errorCode == 1)
        try await client.waitForClose()
        gate.open()
        #expect(entered.count == 2)
        await app.shutdown()
    }

    @Test("a request body's consumer that lags stops the window: a greedy client can send at most two windows")
    func slowBodyConsumer() async throws {
        let gate = Gate()
        let window = 16_384
        let (app, port) = try await HTTP2TestApp.start(pipeline: HTTP2Pipeline(configuration: .init(streamWindowSize: window))) { app in
            app.post("/slow", body: .stream) { (request: Request) async throws -> String in
                await gate.wait()
                var size = 0
                for try await chunk in request.bodyStream! { size += chunk.readableBytes }
                return "\(size)\n"
            }
        }
        let client = try await H2FrameClient.connect(port: port)
        try await client.request(stream: 1, method: "POST", path: "/slow", endStream: false)
        // Send whatever the stream's window allows, until the server stops granting more.
        var sent = 0
        for round in 0..<64 {
            let granted = window + client.frames.filter { $0.stream == 1 && $0.kind == .windowUpdate }
                .reduce(0) { $0 + Int(UInt32(bytes: $1.payload[0..<4]) & 0x7fff_ffff) }
            if granted == sent { break }
            var burst: [UInt8] = []
            while sent < granted {
                let count = min(1024, granted - sent)
                burst += H2FrameClient.frameBytes(.data, flags: 0, stream: 1, payload: [UInt8](repeating: 7, count: count))
                sent += count
            }
            try await client.writeRaw(burst)
            // PING is answered in order: after its ACK the server has taken the burst.
            let ping = UInt64(round).bigEndianBytes
            try await client.send(.ping, stream: 0, payload: ping)
            try await client.waitFor("PING ACK \(round)") { $0.contains { $0.kind == .ping && $0.flags & 1 == 1 && $0.payload == ping } }
        }
        // A consumer that reads nothing holds at most the window delivered to it and the
        // window buffered in the stream; without backpressure the client would go on sending.
        #expect(sent <= 2 * window)
        gate.open()
        try await client.waitFor("stream 1's window reopened") { frames in
            window + frames.filter { $0.stream == 1 && $0.kind == .windowUpdate }
                .reduce(0) { $0 + Int(UInt32(bytes: $1.payload[0..<4]) & 0x7fff_ffff) } > sent
        }
        try await client.send(.data, flags: 0x1, stream: 1, payload: [UInt8](repeating: 7, count: 1024))
        #expect(String(decoding: try await client.response(stream: 1).body, as: UTF8.self) == "\(sent + 1024)\n")
        await client.close()
        await app.shutdown()
    }
}
