import NIOCore
import ProntoHTTP

/// A streamed response being sent (see ``ResponseBodyStream``): what its writer needs to
/// reach the connection, and how far the body has got.
///
/// Loop-confined: created, written and finished on the connection's event loop (the
/// writer hops there when used from elsewhere).
final class StreamingResponse {
    let loop: any EventLoop
    /// Nil once the stream ended or the connection closed: writes then throw.
    private(set) var connection: HTTPConnectionHandler?
    let response: Response
    let slot: HTTPConnectionHandler.Pending
    let requestHead: ByteBuffer?
    let declaredLength: Int?
    /// The connection closes after this response (decided when it was taken off the queue).
    var closes: Bool

    /// Set when the head is encoded: with the first write, so an error before it is a 500.
    var headWritten = false
    var isChunked = false
    /// Close-delimited (an HTTP/1.0 client and no length): the end of the body is the close.
    var isCloseDelimited = false
    var written = 0
    /// The request's body was still arriving when this response started: the stream may
    /// be reading it (an echo, a transforming proxy), so the rest is dropped only when the
    /// response ends, not when it starts.
    var requestBodyStillArriving = false
    var task: Task<Void, Never>?
    /// Writes that wait for the socket to become writable again (several when more than one
    /// task writes, as an event stream's heartbeat does beside its events).
    private var writableWaiters: [EventLoopPromise<Void>] = []

    init(loop: any EventLoop, connection: HTTPConnectionHandler, response: Response, slot: HTTPConnectionHandler.Pending,
         requestHead: ByteBuffer?, declaredLength: Int?, closes: Bool) {
        self.loop = loop
        self.connection = connection
        self.response = response
        self.slot = slot
        self.requestHead = requestHead
        self.declaredLength = declaredLength
        self.closes = closes
    }

    /// Writes `buffer`; returns a future to wait on when the socket cannot take more now.
    func write(_ buffer: ByteBuffer) -> EventLoopFuture<Void>? {
        guard let connection else { return loop.makeFailedFuture(ResponseStreamError.alreadyFinishedOrClosed(task)) }
        do {
            try connection.streamWrite(self, buffer)
        } catch {
            return loop.makeFailedFuture(error)
        }
        guard self.connection != nil, !connection.context.channel.isWritable else { return nil }
        let waiter = loop.makePromise(of: Void.self)
        writableWaiters.append(waiter)
        return waiter.futureResult
    }

    func finish(trailers: HTTPFields) -> EventLoopFuture<Void>? {
        guard let connection else { return loop.makeFailedFuture(ResponseStreamError.alreadyFinishedOrClosed(task)) }
        self.connection = nil
        do {
            try connection.streamFinished(self, trailers: trailers)
        } catch {
            return loop.makeFailedFuture(error)
        }
        return nil
    }

    /// The stream's function returned (`error` nil) or threw.
    func ended(_ error: (any Error)?) {
        guard let connection else { return }  // finished already, or the connection closed
        self.connection = nil
        if let error {
            connection.streamFailed(self, error)
        } else {
            do {
                try connection.streamFinished(self, trailers: HTTPFields())
            } catch {
                // Logged and the connection cut by streamFinished.
            }
        }
    }

    func becameWritable() {
        let waiters = writableWaiters
        writableWaiters = []
        for waiter in waiters { waiter.succeed() }
    }

    /// The connection closed: the function's task is cancelled, a waiting write throws.
    func connectionClosed() {
        connection = nil
        task?.cancel()
        let waiters = writableWaiters
        writableWaiters = []
        for waiter in waiters { waiter.fail(ResponseStreamError.connectionClosed) }
    }
}

extension ResponseStreamError {
    /// A write after the end: the body was finished (the task still runs), or the connection
    /// closed (the task was cancelled).
    static func alreadyFinishedOrClosed(_ task: Task<Void, Never>?) -> ResponseStreamError {
        task?.isCancelled == true ? .connectionClosed : .alreadyFinished
    }
}
