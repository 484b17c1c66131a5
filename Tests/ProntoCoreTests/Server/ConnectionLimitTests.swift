import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
@testable import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `maxConnections`: accepting pauses at the limit and resumes as connections close; an
/// accept failing for want of descriptors is logged once.
@Suite("Connection limits")
struct ConnectionLimitTests {
    @Test("at the limit a new client waits (not refused) and is served when a connection closes")
    func limitWaitsThenServes() async throws {
        var configuration = quietConfiguration()
        configuration.maxConnections = 2
        try await withTestServer(.live, configuration: configuration, handler: testHandler()) { server in
            let first = try await server.connect()
            let second = try await server.connect()
            #expect(try await first.get("/plaintext").status == 200)
            #expect(try await second.get("/plaintext").status == 200)
            let third = try await server.connect()  // the kernel completes the handshake: the backlog
            try await third.send("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n")
            await third.setTimeout(0.5)
            await #expect(throws: (any Error).self, "not served while two connections are open") {
                _ = try await third.readResponse()
            }
            await first.close()
            await third.setTimeout(10)
            #expect(try await third.readResponse().status == 200)
            #expect(try await second.get("/plaintext").status == 200)
        }
    }

    /// The listener's pipeline as the server builds it, without the back-off: what reaches
    /// the accept handler, and the reads asked of the socket.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Never
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    final class Accepted: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = any Channel
        var channels: [ObjectIdentifier] = []
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            channels.append(ObjectIdentifier(unwrapInboundIn(data)))
        }
    }

    @Test("connections accepted in one batch past the limit are held and served in order as others close")
    func heldInOrder() throws {
        let listener = EmbeddedChannel()
        let reads = ReadCounter(), accepted = Accepted()
        try listener.pipeline.syncOperations.addHandlers(reads, AcceptLimiter(maxConnections: 2, logger: quietConfiguration().logger), accepted)
        let clients = (0..<4).map { _ in EmbeddedChannel() }
        for client in clients { try listener.writeInbound(client as any Channel) }
        #expect(accepted.channels == clients.prefix(2).map { ObjectIdentifier($0) })
        listener.read()
        #expect(reads.reads == 0, "at the limit nothing more is accepted")

        _ = try clients[0].finish()
        listener.embeddedEventLoop.run()
        #expect(accepted.channels == clients.prefix(3).map { ObjectIdentifier($0) }, "the first held one takes the slot")
        #expect(reads.reads == 0)
        _ = try clients[1].finish()
        listener.embeddedEventLoop.run()
        #expect(accepted.channels == clients.map { ObjectIdentifier($0) })
        _ = try clients[2].finish()
        listener.embeddedEventLoop.run()
        #expect(reads.reads == 1, "below the limit with a read asked for: accepting resumes")
        _ = try clients[3].finish()
    }

    @Test("an accept failing with EMFILE is logged once per episode, with the fix")
    func outOfDescriptorsLoggedOnce() throws {
        let capture = LogCapture()
        let listener = EmbeddedChannel()
        try listener.pipeline.syncOperations.addHandlers(AcceptLimiter(maxConnections: 10, logger: capture.logger), Accepted())
        for _ in 0..<5 { listener.pipeline.fireErrorCaught(IOError(errnoCode: EMFILE, reason: "accept")) }
        #expect(capture.text.components(separatedBy: "out of file descriptors").count == 2, "one line: \(capture.text)")
        #expect(capture.text.contains("ulimit -n"))
        #expect(throws: Never.self) { try listener.throwIfErrorCaught() }
        let client = EmbeddedChannel()
        try listener.writeInbound(client as any Channel)
        listener.pipeline.fireErrorCaught(IOError(errnoCode: ENFILE, reason: "accept"))
        #expect(capture.text.components(separatedBy: "out of file descriptors").count == 3, "a new episode is logged again")
        _ = try client.finish()
    }

    @Test("the default limit follows the descriptor limit, less a reserve")
    func defaultFromDescriptorLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let descriptors = Int(limit.rlim_cur)
        #expect(ServerConfiguration.defaultMaxConnections == descriptors - min(descriptors / 10, 1024))
        #expect(ServerConfiguration().maxConnections == ServerConfiguration.defaultMaxConnections)
    }
}
