import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

/// Echoes every byte back, upper-cased: the "protocol" the tests upgrade to.
final class ShoutingEcho: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let text = String(buffer: unwrapInboundIn(data)).uppercased()
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
    }
}

@Suite("Protocol upgrade")
struct ProtocolUpgradeTests {
    static let switching: Response = {
        var response = Response(status: .switchingProtocols, headers: ["Upgrade": "shout", "Connection": "Upgrade"])
        response.body = .upgrade(ProtocolUpgrade { channel in
            try channel.pipeline.syncOperations.addHandler(ShoutingEcho())
        })
        return response
    }()

    /// Upgrades `/shout` (sync) and `/shout-later` (async), refuses `/refuse`, answers the rest.
    static let handler = HTTPHandler { request in
        if request.pathEquals("/shout") { return .response(switching) }
        if request.pathEquals("/shout-later") {
            return .async { _ in
                await Task.yield()
                return switching
            }
        }
        if request.pathEquals("/refuse") { return .response(.text("no upgrade for you\n", status: .forbidden)) }
        return .response(.text("plain \(request.path)\n"))
    }

    static let upgradeRequest = "Connection: Upgrade\r\nUpgrade: shout\r\n\r\n"

    @Test("an upgrade request that also says Connection: close gets 400 and the connection closes (it used to trap)", arguments: bothModes, ["/shout", "/shout-later"])
    func upgradeWithClose(mode: TestMode, path: String) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            try await connection.send("GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close, Upgrade\r\nUpgrade: shout\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.status == 400)
            #expect(response.header("connection") == "close")
            _ = try await connection.waitForClose()
            let next = try await server.connect()
            #expect(try await next.get("/still-serving").status == 200)
        }
    }

    @Test("an upgrade asked for while the server shuts down gets 503: a new protocol would outlive the drain", arguments: ["/shout", "/shout-later"])
    func upgradeWhileShuttingDown(path: String) async throws {
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            await connection.beginShutdown()
            try await connection.send("GET \(path) HTTP/1.1\r\nHost: t\r\n" + Self.upgradeRequest)
            let response = try await connection.readResponse()
            #expect(response.status == 503)
            #expect(response.header("connection") == "close")
            _ = try await connection.waitForClose()
        }
    }

    @Test("a 101 hands the connection over; bytes sent after the request, even a pipelined request, go to the new protocol", arguments: bothModes, ["/shout", "/shout-later"])
    func handOver(mode: TestMode, path: String) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            // Earlier requests are answered first; the one after the upgrade is not HTTP any more.
            try await connection.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\nGET \(path) HTTP/1.1\r\nHost: t\r\n" + Self.upgradeRequest
                + "GET /after HTTP/1.1\r\n\r\n")
            #expect(try await connection.readResponse().bodyString == "plain /first\n")
            let switched = try await connection.readResponse()
            #expect(switched.status == 101)
            #expect(switched.header("upgrade") == "shout")
            #expect(switched.header("connection") == "Upgrade")
            #expect(switched.header("content-length") == nil)
            let echoed = try await connection.waitForBytes(containing: "GET /AFTER")
            #expect(String(decoding: echoed, as: UTF8.self) == "GET /AFTER HTTP/1.1\r\n\r\n")
            try await connection.send("hello")
            _ = try await connection.waitForBytes(containing: "HELLO")
            // The new protocol owns the connection: it ignores the server's quiesce, so the
            // client closes (else shutdown would wait out the grace period).
            await connection.close()
        }
    }

    @Test("an upgrade request answered without a 101 stays HTTP, and the next request is served", arguments: bothModes)
    func refused(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            try await connection.send("GET /refuse HTTP/1.1\r\nHost: t\r\n" + Self.upgradeRequest + "GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await connection.readResponse().status == 403)
            #expect(try await connection.readResponse().bodyString == "plain /next\n")
        }
    }

    @Test("an upgrade body without a request asking for it, or with another status, is a 500; HTTP goes on")
    func invalid() async throws {
        let handler = HTTPHandler { request in
            var response = ProtocolUpgradeTests.switching
            if request.pathEquals("/wrong-status") { response.status = .ok }
            return .response(response)
        }
        try await withTestServer(.inProcess, configuration: quietConfiguration(), handler: handler) { server in
            let connection = try await server.connect()
            #expect(try await connection.get("/not-asked").status == 500)
            let wrong = try await connection.request("GET", "/wrong-status", headers: [("Connection", "Upgrade"), ("Upgrade", "shout")])
            #expect(wrong.status == 500)
        }
    }

    @Test("after the hand-off the server's shutdown still completes: the registry learns of the close from the channel")
    func shutdownAfterUpgrade() async throws {
        var configuration = quietConfiguration()
        configuration.shutdownGracePeriod = .milliseconds(200)
        try await withTestServer(.live, configuration: configuration, handler: Self.handler) { server in
            let connection = try await server.connect()
            try await connection.send("GET /shout HTTP/1.1\r\nHost: t\r\n" + Self.upgradeRequest)
            #expect(try await connection.readResponse().status == 101)
            await connection.close()
            // Without the close reaching the registry, shutdown would wait for ever for a
            // connection that is gone (withTestServer then shuts down again: a no-op).
            let stopped = Counter()
            let live = try #require(server.server)
            let shutdown = Task {
                await live.shutdown()
                stopped.increment()
            }
            try await stopped.wait(until: 1, seconds: 10)
            await shutdown.value
        }
    }
}
