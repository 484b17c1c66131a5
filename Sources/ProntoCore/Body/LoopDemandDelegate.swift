import NIOCore

/// Tells a connection, on its event loop, when the consumer of an async sequence it feeds
/// wants more (`true`) or has gone (`false`): the request body stream and the WebSocket
/// message sequence use it to pause and resume reading from the socket. The producer calls
/// it from any thread.
package struct LoopDemandDelegate: NIOAsyncSequenceProducerDelegate {
    let loop: any EventLoop
    let onDemand: NIOLoopBound<(Bool) -> Void>

    package init(loop: any EventLoop, onDemand: NIOLoopBound<(Bool) -> Void>) {
        self.loop = loop
        self.onDemand = onDemand
    }

    package func produceMore() {
        let onDemand = self.onDemand
        loop.execute { onDemand.value(true) }
    }

    package func didTerminate() {
        let onDemand = self.onDemand
        loop.execute { onDemand.value(false) }
    }
}
