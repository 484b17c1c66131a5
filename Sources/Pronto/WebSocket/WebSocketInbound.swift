import NIOCore
import Synchronization

/// The messages a WebSocket receives, as an `AsyncSequence` with backpressure: the
/// connection stops reading from the socket while more than
/// ``WebSocketConfiguration/maxQueuedMessages`` wait for the handler.
///
/// The sequence ends when the peer closes the connection (with a close frame or without);
/// ``WebSocket/peerCloseCode`` then says how. Iterate it once.
public struct WebSocketInbound: AsyncSequence, Sendable {
    public typealias Element = WebSocketMessage
    typealias Producer = NIOAsyncSequenceProducer<
        WebSocketMessage, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, LoopDemandDelegate
    >

    let producer: Producer
    let consumption: InboundConsumption

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator
        let consumption: InboundConsumption

        public mutating func next() async -> WebSocketMessage? {
            let message = await base.next()
            if message != nil { consumption.taken() }
            return message
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator(), consumption: consumption)
    }
}

/// How many messages the handler took from the sequence: the connection compares it with
/// those it handed over to know whether a close must wait for them (see
/// `WebSocketConnectionHandler.closeAfterDraining`). Atomic: the handler may iterate from
/// any thread.
final class InboundConsumption: Sendable {
    private let value = Atomic<Int>(0)

    var count: Int { value.load(ordering: .acquiring) }

    func taken() {
        value.wrappingAdd(1, ordering: .releasing)
    }
}
