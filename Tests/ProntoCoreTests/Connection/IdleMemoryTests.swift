import NIOCore
import NIOEmbedded
@testable import ProntoCore
import ProntoTestSupport
import Testing

/// An idle keep-alive connection gives its buffers back when the reaper sees it idle, and
/// takes them again for its next request.
@Suite("Idle connection memory")
struct IdleMemoryTests {
    @Test("the output buffer, the parser's header array and a grown pipeline ring are released when idle")
    func releasedWhenIdle() async throws {
        let channel = NIOAsyncTestingChannel()
        let gate = Gate()
        var configuration = quietConfiguration()
        configuration.requestHeadTimeout = .seconds(2)
        try await channel.eventLoop.submit {
            try ServerConnection.configure(channel, configuration: configuration, handler: testHandler(gates: ["g": gate]))
        }.get()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        let handler = try await channel.pipeline.handler(type: HTTPConnectionHandler.self).get()
        // 16 requests in flight at once (their handler waits at the gate) grow the ring.
        let pipelined = String(repeating: "GET /async/g HTTP/1.1\r\nHost: t\r\n\r\n", count: 16)
        try await channel.writeInbound(ByteBuffer(string: pipelined))
        await channel.testingEventLoop.run()
        let ring = try await channel.eventLoop.submit { handler.pending.capacity }.get()
        gate.open()
        for _ in 0..<100 where try await channel.eventLoop.submit({ handler.pending.count }).get() > 0 {
            await channel.testingEventLoop.run()
            await Task.yield()
        }
        let grown = try await channel.eventLoop.submit { (handler.output.capacity, ring, handler.parser.reservedHeaderCount) }.get()
        #expect(grown.0 > 0, "the responses were encoded into the output buffer")
        #expect(grown.1 >= 16, "16 requests in flight grew the ring")
        #expect(grown.2 >= RequestHead.typicalHeaderCount, "the parser kept its header array between requests")

        await channel.testingEventLoop.advanceTime(by: .seconds(3))  // the reaper's first round
        let idle = try await channel.eventLoop.submit {
            (handler.output.capacity, handler.pending.capacity, handler.parser.reservedHeaderCount)
        }.get()
        #expect(idle.0 == 0)
        #expect(idle.1 == HTTPConnectionHandler.pendingInitialCapacity)
        #expect(idle.2 == 0, "the parser gave its header array back")

        try await channel.writeInbound(ByteBuffer(string: "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"))
        await channel.testingEventLoop.run()
        var written = ByteBuffer()
        while var part = try await channel.readOutbound(as: ByteBuffer.self) { written.writeBuffer(&part) }
        #expect(String(buffer: written).components(separatedBy: "HTTP/1.1 200 OK").count == 18, "17 responses, the last after the release")
        #expect(String(buffer: written).hasSuffix("Hello, World!"))
        _ = try await channel.finish()
    }
}
