import Logging
import NIOCore
import NIOHPACK
import NIOHTTP2
import ProntoCore

/// One HTTP/2 stream: assembles its request from HEADERS and DATA frames, runs the
/// server's handler (sync inline, async in a task on the connection's loop), and sends the
/// response as HEADERS, DATA and trailers. One per stream channel of NIO's multiplexer,
/// which keeps per-stream flow control: a response writer waits while the client's window
/// (or the stream's write buffer) is full, and a request body stream that lags stops the
/// stream's reads, so its window is not reopened and the client must wait.
///
/// Loop-confined (every member is touched on the stream channel's event loop).
final class HTTP2StreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    /// Where the request stands.
    enum Inbound {
        /// No HEADERS yet.
        case awaitingHead
        /// The body is being collected; the request is dispatched at END_STREAM.
        case collecting(RequestHead, ByteBuffer, body: ByteBuffer, limit: Int)
        /// The request was dispatched with a body stream, which the DATA frames feed.
        case streaming(RequestBodyStream.Producer.Source)
        /// The request is complete (or its rest is dropped).
        case complete
    }

    /// Where the response stands.
    enum Outbound {
        /// The handler has not answered.
        case waiting
        /// A streamed body is being written (its HEADERS are sent with the first write).
        case streaming(headSent: Bool)
        /// END_STREAM is sent (or the stream was reset).
        case finished
    }

    let serving: ConnectionServing
    let limits: HTTPLimits
    var logger: Logger { serving.configuration.logger }

    var context: ChannelHandlerContext!
    var inbound = Inbound.awaitingHead
    var outbound = Outbound.waiting
    /// A request body's consumer lags: the stream's reads are held, so its window stays shut.
    var readsPaused = false
    var readPending = false
    /// Writers waiting for the stream to become writable again.
    var writabilityWaiters: [EventLoopPromise<Void>] = []
    /// The task running an async handler or a streamed body, cancelled if the stream goes.
    var task: Task<Void, Never>?
    var isHeadRequest = false
    var connectionInfo: ConnectionInfo?

    /// The connection's `date` value, shared by its streams.
    let date: HTTP2DateHeader

    /// Told when this stream opens and closes (see ``HTTP2StreamTracker``).
    let tracker: HTTP2StreamTracker
    var streamID: HTTP2StreamID?

    init(serving: ConnectionServing, date: HTTP2DateHeader, tracker: HTTP2StreamTracker) {
        self.serving = serving
        self.date = date
        self.tracker = tracker
        self.limits = serving.configuration.limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        connectionInfo = serving.connectionInfo(for: context.channel)
        if let id = try? context.channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID) {
            streamID = id
            tracker.streamCreated(id, channel: context.channel)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        streamGone()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        streamGone()
        context.fireChannelInactive()
    }

    /// The stream closed (finished, or reset by either side): what waits learns of it.
    private func streamGone() {
        if let streamID, let context { tracker.streamClosed(streamID, channel: context.channel) }
        task?.cancel()
        task = nil
        if case .streaming(let source) = inbound { source.finish(RequestBodyStreamError.connectionClosed) }
        inbound = .complete
        outbound = .finished
        failWriters(ResponseStreamError.connectionClosed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A stream error (a malformed header block, a content-length mismatch): NIO resets
        // the stream; nothing more to send on it.
        logger.debug("HTTP/2 stream error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            receivedHeaders(headers.headers, endStream: headers.endStream)
        case .data(let data):
            guard case .byteBuffer(let bytes) = data.data else { return }
            receivedData(bytes, endStream: data.endStream)
        default:
            break  // PRIORITY, WINDOW_UPDATE (handled by NIO), RST_STREAM (closes the channel)
        }
    }

    private func receivedHeaders(_ headers: HPACKHeaders, endStream: Bool) {
        guard case .awaitingHead = inbound else {
            // Trailers: nothing a handler reads (a collected body ends here).
            if endStream { receivedData(context.channel.allocator.buffer(capacity: 0), endStream: true) }
            return
        }
        let made: (head: RequestHead, bytes: ByteBuffer)
        do {
            made = try HTTP2RequestHead.make(from: headers, limits: limits, allocator: context.channel.allocator)
        } catch {
            inbound = .complete
            return send(Response(status: error.status, contentType: "text/plain; charset=utf-8", body: .string(error.reason + "\n")))
        }
        isHeadRequest = made.head.method == .head
        if endStream {
            inbound = .complete
            return dispatch(Request(head: made.head, headBytes: made.bytes, body: nil, connection: connectionInfo!))
        }
        var limit = limits.maxBodySize
        var streams = false
        if let policy = serving.handler.bodyPolicy,
            case .stream(let streamLimit) = policy(Request(head: made.head, headBytes: made.bytes, body: nil, connection: connectionInfo!)) {
            streams = true
            limit = streamLimit ?? .max
        }
        if let declared = made.head.contentLength, declared > limit { return refuseBody(limit: limit) }
        if streams {
            let (stream, source) = ProtocolSupport.makeBodyStream(loop: context.eventLoop) { [weak self] wantsMore in
                self?.bodyDemand(wantsMore: wantsMore)
            }
            inbound = .streaming(source)
            return dispatch(Request(head: made.head, headBytes: made.bytes, bodyStream: stream, connection: connectionInfo!))
        }
        let capacity = min(made.head.contentLength ?? 0, 64 * 1024)
        inbound = .collecting(made.head, made.bytes, body: context.channel.allocator.buffer(capacity: capacity), limit: limit)
    }

    private func receivedData(_ bytes: ByteBuffer, endStream: Bool) {
        switch inbound {
        case .collecting(let head, let headBytes, var body, let limit):
            guard bytes.readableBytes <= limit - body.readableBytes else { return refuseBody(limit: limit) }
            inbound = .complete  // drops the reference while the body grows: no copy-on-write
            body.writeImmutableBuffer(bytes)
            if endStream {
                dispatch(Request(head: head, headBytes: headBytes, body: body, connection: connectionInfo!))
            } else {
                inbound = .collecting(head, headBytes, body: body, limit: limit)
            }
        case .streaming(let source):
            if bytes.readableBytes > 0 {
                switch source.yield(bytes) {
                case .produceMore: break
                case .stopProducing: readsPaused = true
                case .dropped: inbound = .complete
                }
            }
            if endStream, case .streaming = inbound {
                source.finish()
                inbound = .complete
            }
        case .awaitingHead, .complete:
            break  // the rest of a body whose response was sent: dropped
        }
    }

    /// A body past its limit: 413, and the rest is dropped (the stream is reset after the
    /// response, RFC 9113 §8.1).
    private func refuseBody(limit: Int) {
        if case .streaming(let source) = inbound { source.finish(RequestBodyStreamError.tooLarge(limit: limit)) }
        inbound = .complete
        guard case .waiting = outbound else { return }
        send(Response(status: .contentTooLarge, contentType: "text/plain; charset=utf-8", body: .string("the request body exceeds \(limit) bytes\n")))
    }

    /// The body stream's consumer wants more, or has gone.
    private func bodyDemand(wantsMore: Bool) {
        guard context != nil else { return }
        if !wantsMore, case .streaming(let source) = inbound {
            source.finish()
            inbound = .complete
        }
        if readsPaused {
            readsPaused = false
            if readPending {
                readPending = false
                context.read()
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused { readPending = true } else { context.read() }
    }

    // MARK: Dispatch

    private func dispatch(_ request: Request) {
        serving.countRequest()
        let result: HandlerResult
        do {
            result = try serving.handler.dispatch(request)
        } catch {
            return send(ProtocolSupport.response(for: error, request, logger: logger))
        }
        switch result {
        case .response(let response): send(response)
        case .async(let respond): runAsync(respond, request)
        case .asyncWithRequest(let attached, let respond): runAsync(respond, attached)
        }
    }

    private func runAsync(_ respond: @escaping AsyncResponder, _ request: Request) {
        let loop = context.eventLoop
        let this = NIOLoopBound(self, eventLoop: loop)
        let logger = self.logger
        task = Task(executorPreference: serving.executor) {
            let response: Response
            do {
                response = try await respond(request)
            } catch {
                response = ProtocolSupport.response(for: error, request, logger: logger)
            }
            if loop.inEventLoop {
                this.value.task = nil
                this.value.send(response)
            } else {
                loop.execute {
                    this.value.task = nil
                    this.value.send(response)
                }
            }
        }
    }
}
