import NIOCore
import NIOEmbedded
@testable import ProntoCore
import ProntoTestSupport
import Testing

/// The connection's one timer (see `HTTPConnectionHandler.armTimer`).
@Suite("Connection timer")
struct ConnectionTimerTests {
    @Test("a stale callback (a timer cancelled after NIO took it to run) is ignored: the timer armed since stays")
    func staleCallbackIgnored() async throws {
        let channel = NIOAsyncTestingChannel()
        let configuration = {
            var configuration = quietConfiguration()
            configuration.requestHeadTimeout = .seconds(2)
            return configuration
        }()
        try await channel.eventLoop.submit {
            try ServerConnection.configure(channel, configuration: configuration, handler: testHandler())
        }.get()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        // The handler is not Sendable: it is reached only on its loop.
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: HTTPConnectionHandler.self), eventLoop: channel.eventLoop)
        }.get()
        let armed = try await channel.eventLoop.submit { (handler.value.timer != nil, handler.value.timerDeadline) }.get()
        #expect(armed.0, "the head timer is armed when the connection opens")

        // The callback of a timer armed for another deadline: nothing changes.
        try await channel.eventLoop.submit { handler.value.timerFired(armedFor: armed.1 - .seconds(1)) }.get()
        let after = try await channel.eventLoop.submit { (handler.value.timer != nil, handler.value.timerDeadline) }.get()
        #expect(after.0)
        #expect(after.1 == armed.1)

        // The real one still closes the silent connection at its deadline.
        await channel.testingEventLoop.advanceTime(by: .seconds(3))
        try await channel.closeFuture.get()
        #expect(!channel.isActive)
    }
}
