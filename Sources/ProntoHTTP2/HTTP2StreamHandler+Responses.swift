import Logging
import NIOCore
import NIOHPACK
import NIOHTTP2
import ProntoCore

/// Sending a stream's response: the head as HEADERS, an in-memory body as one DATA frame,
/// a streamed body or a file as DATA frames written as the flow-control window allows.
extension HTTP2StreamHandler {
    /// Header fields HTTP/2 forbids (RFC 9113 §8.2.2): a handler may set them for
    /// HTTP/1.1; here they are left out.
    static let connectionSpecific: Set<String> = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]

    /// Sends `response` on the stream (once; a late answer after a reset is dropped).
    func send(_ response: Response) {
        guard context != nil, case .waiting = outbound else { return }
        let sendsBody = response.status.allowsBody && !isHeadRequest
        switch response.body {
        case .stream(let stream) where sendsBody:
            startStream(stream, response)
        case .file(let file) where sendsBody:
            startStream(file.readingStream(), response)
        case .upgrade:
            sendBuffered(Response(
                status: .notImplemented, contentType: "text/plain; charset=utf-8",
                body: .string("protocol upgrades (WebSocket) need HTTP/1.1; RFC 8441 is not supported\n")
            ), sendsBody: true)
        default:
            sendBuffered(response, sendsBody: sendsBody)
        }
    }

    /// An in-memory body (or none): HEADERS, then the body in one DATA frame with END_STREAM.
    private func sendBuffered(_ response: Response, sendsBody: Bool) {
        var body = context.channel.allocator.buffer(capacity: 0)
        if sendsBody {
            switch response.body {
            case .empty: break
            case .string(let string): body.writeString(string)
            case .bytes(let bytes): body = bytes
            case .writer(let writer):
                do {
                    try writer.write(into: &body)
                } catch {
                    logger.error("body writer failed", metadata: ["error": "\(error)"])
                    return sendBuffered(Self.internalServerError, sendsBody: true)
                }
            case .stream, .file, .upgrade: break
            }
        }
        let length: Int? = response.status.allowsBody ? (sendsBody ? body.readableBytes : response.body.knownLength) : nil
        let endsWithHead = !sendsBody || body.readableBytes == 0
        outbound = .finished
        context.write(wrapOutboundOut(.headers(.init(headers: headerBlock(response, contentLength: length), endStream: endsWithHead))), promise: nil)
        if !endsWithHead {
            context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
        }
        context.flush()
        finishedSending()
    }

    /// The response's END_STREAM is written: a request body still arriving is not wanted
    /// any more, so the stream is reset (`NO_ERROR`, RFC 9113 §8.1) once the response left.
    private func finishedSending() {
        guard case .complete = inbound else {
            if case .streaming(let source) = inbound { source.finish(RequestBodyStreamError.responseAlreadySent) }
            inbound = .complete
            context.writeAndFlush(wrapOutboundOut(.rstStream(.noError)), promise: nil)
            return
        }
    }

    static let internalServerError = Response(
        status: .internalServerError, contentType: "text/plain; charset=utf-8", body: .string("Internal Server Error\n")
    )

    /// The HTTP/2 header block of `response`'s head.
    func headerBlock(_ response: Response, contentLength: Int?) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(4 + response.headers.count)
        headers.add(name: ":status", value: String(response.status.code))
        if let contentType = response.contentType { headers.add(name: "content-type", value: contentType) }
        if let contentLength { headers.add(name: "content-length", value: String(contentLength)) }
        headers.add(name: "date", value: date.current)
        Self.add(response.headers, to: &headers, except: ["content-length", "date"])
        return headers
    }

    /// Adds `fields` with lowercase names (RFC 9113 §8.2.1), leaving out the ones HTTP/2
    /// forbids and those named in `except` (set by the engine itself).
    static func add(_ fields: HTTPFields, to headers: inout HPACKHeaders, except: Set<String> = []) {
        for field in fields {
            let name = field.name.lowercased()
            if connectionSpecific.contains(name) || except.contains(name) { continue }
            headers.add(name: name, value: field.value)
        }
    }

    // MARK: Streams

    /// Runs a streamed body's function in a task on the loop; HEADERS leave with its first
    /// write (or at its end), DATA frames as it writes.
    private func startStream(_ stream: ResponseBodyStream, _ response: Response) {
        outbound = .streaming(headSent: false)
        let loop = context.eventLoop
        let this = NIOLoopBound(self, eventLoop: loop)
        let declared = stream.contentLength
        let state = StreamedBody(declared: declared)
        let writer = ResponseBodyStreamWriter(
            allocator: context.channel.allocator,
            write: { buffer in
                try await Self.onLoop(loop) { try this.value.writeStreamed(buffer, response, state) }
            },
            finish: { trailers in
                try await Self.onLoop(loop) { try this.value.finishStreamed(trailers, response, state); return nil }
            }
        )
        let logger = self.logger
        task = Task(executorPreference: serving.executor) {
            var failure: (any Error)?
            do {
                try await stream.produce(into: writer)
                if !state.finished { try await writer.finish() }
            } catch {
                failure = error
            }
            let error = failure
            let end: @Sendable () -> Void = {
                guard this.value.context != nil else { return }
                this.value.task = nil
                if let error { this.value.streamFailed(error, response, state, logger: logger) }
            }
            if loop.inEventLoop { end() } else { loop.execute(end) }
        }
    }

    /// Runs `operation` on the loop and waits for the future it returns, if any.
    private static func onLoop(
        _ loop: any EventLoop, _ operation: @escaping @Sendable () throws -> EventLoopFuture<Void>?
    ) async throws {
        if loop.inEventLoop {
            if let wait = try operation() { try await wait.get() }
        } else {
            try await loop.flatSubmit {
                do { return try operation() ?? loop.makeSucceededVoidFuture() } catch { return loop.makeFailedFuture(error) }
            }.get()
        }
    }

    /// One write of a streamed body: a future to wait for while the stream is not writable.
    private func writeStreamed(_ buffer: ByteBuffer, _ response: Response, _ state: StreamedBody) throws -> EventLoopFuture<Void>? {
        guard context != nil, case .streaming(let headSent) = outbound else {
            throw state.finished ? ResponseStreamError.alreadyFinished : ResponseStreamError.connectionClosed
        }
        if let declared = state.declared, state.written + buffer.readableBytes > declared {
            throw ResponseStreamError.exceedsContentLength(declared: declared)
        }
        if !headSent {
            outbound = .streaming(headSent: true)
            context.write(wrapOutboundOut(.headers(.init(headers: headerBlock(response, contentLength: state.declared)))), promise: nil)
        }
        state.written += buffer.readableBytes
        guard buffer.readableBytes > 0 else { return nil }
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(buffer)))), promise: nil)
        guard !context.channel.isWritable else { return nil }
        let promise = context.eventLoop.makePromise(of: Void.self)
        writabilityWaiters.append(promise)
        return promise.futureResult
    }

    /// The end of a streamed body: END_STREAM on an empty DATA frame, or on trailers.
    private func finishStreamed(_ trailers: HTTPFields, _ response: Response, _ state: StreamedBody) throws {
        guard context != nil, case .streaming(let headSent) = outbound else {
            throw state.finished ? ResponseStreamError.alreadyFinished : ResponseStreamError.connectionClosed
        }
        if let declared = state.declared, state.written != declared {
            throw ResponseStreamError.shorterThanContentLength(declared: declared, written: state.written)
        }
        state.finished = true
        outbound = .finished
        if !headSent {
            // Nothing was written: the length is known now.
            context.write(wrapOutboundOut(.headers(.init(headers: headerBlock(response, contentLength: state.written), endStream: true))), promise: nil)
        } else if trailers.isEmpty {
            context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(context.channel.allocator.buffer(capacity: 0)), endStream: true))), promise: nil)
        } else {
            var block = HPACKHeaders()
            Self.add(trailers, to: &block)
            context.write(wrapOutboundOut(.headers(.init(headers: block, endStream: true))), promise: nil)
        }
        context.flush()
        finishedSending()
    }

    /// A streamed body's function threw: a 500 when nothing was sent, else the stream is
    /// reset (`INTERNAL_ERROR`): nothing else tells the client the body is incomplete.
    private func streamFailed(_ error: any Error, _ response: Response, _ state: StreamedBody, logger: Logger) {
        guard case .streaming(let headSent) = outbound else { return }
        if !headSent {
            outbound = .waiting
            logger.error("response stream failed before its first write", metadata: ["error": "\(error)"])
            return sendBuffered(Self.internalServerError, sendsBody: true)
        }
        logger.error("response stream failed; resetting the stream", metadata: ["error": "\(error)"])
        outbound = .finished
        context.writeAndFlush(wrapOutboundOut(.rstStream(.internalError)), promise: nil)
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            let waiters = writabilityWaiters
            writabilityWaiters = []
            for waiter in waiters { waiter.succeed() }
        }
        context.fireChannelWritabilityChanged()
    }

    func failWriters(_ error: any Error) {
        let waiters = writabilityWaiters
        writabilityWaiters = []
        for waiter in waiters { waiter.fail(error) }
    }
}

/// What a streamed body has written so far; touched on the stream's loop only.
final class StreamedBody: @unchecked Sendable {
    let declared: Int?
    var written = 0
    var finished = false

    init(declared: Int?) { self.declared = declared }
}
