import Logging
import NIOCore

/// What another protocol's connection (HTTP/2's streams) needs of the engine to serve
/// requests the way HTTP/1.1 connections do: the same error answers, the same body streams.
package enum ProtocolSupport {
    /// The response for a handler's thrown error: a ``ResponseError``'s own response, else a
    /// 500 (the error is logged, its text is not sent).
    package static func response(for error: any Error, _ request: Request, logger: Logger) -> Response {
        HTTPConnectionHandler.internalError(error, request, logger)
    }

    /// A request body stream and the source that feeds it; `onDemand` is called on `loop`
    /// when the consumer wants more (`true`) or has gone (`false`). A few buffers may wait
    /// for the consumer before `yield` says to stop producing.
    package static func makeBodyStream(
        loop: any EventLoop, onDemand: @escaping (Bool) -> Void
    ) -> (stream: RequestBodyStream, source: RequestBodyStream.Producer.Source) {
        let sequence = RequestBodyStream.Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4),
            finishOnDeinit: false,
            delegate: LoopDemandDelegate(loop: loop, onDemand: NIOLoopBound(onDemand, eventLoop: loop))
        )
        return (RequestBodyStream(producer: sequence.sequence), sequence.source)
    }
}
