import NIOCore
import NIOEmbedded
@testable import ProntoCore
import Testing

/// The registry's intrusive list: connections join when accepted and leave when their
/// channel closes, in any order; the listener hears of each close; shutdown reaches every
/// connection, including one whose handler was added after the shutdown began.
@Suite("Connection registry")
struct ConnectionRegistryTests {
    final class Closes: ConnectionRegistry.ClosedListener, @unchecked Sendable {
        var count = 0
        func connectionClosed() { count += 1 }
    }

    /// Counts the quiesce events that reach the end of a pipeline.
    final class QuiesceCounter: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = Never
        var count = 0
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelShouldQuiesceEvent { count += 1 }
        }
    }

    @Test("connections leave the list as they close, first, middle and last alike; the listener is told each time")
    func closesInAnyOrder() async throws {
        let registry = ConnectionRegistry()
        let closes = Closes()
        let source = registry.source(closed: closes)
        let channels = (0..<5).map { _ in EmbeddedChannel() }
        for channel in channels { source.add(channel) }
        #expect(registry.count == 5)
        // The list is newest first: close the newest, a middle one, the oldest, then the rest.
        for (closed, index) in [4, 2, 0, 1, 3].enumerated() {
            _ = try channels[index].finish()
            #expect(registry.count == 4 - closed)
            #expect(closes.count == closed + 1)
        }
        await registry.waitUntilEmpty()
    }

    @Test("closeAll closes every open connection and the wait for empty returns")
    func closeAllEmpties() async throws {
        let registry = ConnectionRegistry()
        let source = registry.source(closed: nil)
        let channels = (0..<3).map { _ in EmbeddedChannel() }
        for channel in channels { source.add(channel) }
        _ = try channels[1].finish()
        registry.closeAll()
        // An embedded channel completes its close when its loop runs.
        for channel in channels { channel.embeddedEventLoop.run() }
        #expect(registry.count == 0)
        #expect(channels.allSatisfy { !$0.isActive })
        await registry.waitUntilEmpty()
    }

    @Test("quiesceAll tells each open connection once; one whose handler comes later is told when it is ready")
    func quiesceReachesLateHandlers() throws {
        let registry = ConnectionRegistry()
        let source = registry.source(closed: nil)
        let early = EmbeddedChannel(), late = EmbeddedChannel()
        let earlyCounter = QuiesceCounter(), lateCounter = QuiesceCounter()
        try early.pipeline.syncOperations.addHandler(earlyCounter)
        source.add(early)
        source.add(late)
        registry.connectionReady(early)
        #expect(earlyCounter.count == 0, "not stopping yet")
        registry.quiesceAll()
        #expect(earlyCounter.count == 1)
        // `late` had no handler when the shutdown began: the event found nothing to tell.
        try late.pipeline.syncOperations.addHandler(lateCounter)
        registry.connectionReady(late)
        #expect(lateCounter.count == 1)
        _ = try early.finish()
        _ = try late.finish()
        #expect(registry.count == 0)
    }
}
