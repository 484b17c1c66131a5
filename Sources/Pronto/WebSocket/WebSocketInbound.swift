import NIOCore

/// The messages a WebSocket receives, as an `AsyncSequence` with backpressure: the
/// connection stops reading from the socket while more than
/// ``WebSocketConfiguration/maxQueuedMessages`` wait for the handler.
///
/// The sequence ends when the peer closes the connection (with a close frame or without);
/// ``WebSocket/peerCloseCode`` then says how. Iterate it once.
public struct WebSocketInbound: AsyncSequence, Sendable {
    public typealias Element = WebSocketMessage
    typealias Producer = NIOAsyncSequenceProducer<
        WebSocketMessage, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, WebSocketInboundDelegate
    >

    let producer: Producer

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        public mutating func next() async -> WebSocketMessage? {
            await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator())
    }
}

/// Tells the connection, on its loop, when the handler wants more messages or stopped
/// listening.
struct WebSocketInboundDelegate: NIOAsyncSequenceProducerDelegate {
    let loop: any EventLoop
    let onDemand: NIOLoopBound<(Bool) -> Void>

    func produceMore() {
        let onDemand = self.onDemand
        loop.execute { onDemand.value(true) }
    }

    func didTerminate() {
        let onDemand = self.onDemand
        loop.execute { onDemand.value(false) }
    }
}
