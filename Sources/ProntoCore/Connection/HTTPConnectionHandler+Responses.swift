import Logging
import NIOCore

/// Producing responses: dispatching to the handler (inline, or in an async worker), keeping
/// them in request order, encoding them into the output buffer.
extension HTTPConnectionHandler {
    func dispatch(_ head: consuming RequestHead, _ headBytes: consuming ByteBuffer, _ body: consuming ByteBuffer?) {
        let keepAlive = head.keepAlive, isHead = head.method == .head, http1_0 = !head.version.isAtLeast1_1
        let asksUpgrade = head.connectionUpgrade && head.upgradeRange != nil
        let connection = connectionInfo
        let request = Request(head: head, headBytes: headBytes, body: body, connection: connection)  // moves, no copies
        dispatchRequest(consume request, keepAlive: keepAlive, isHead: isHead, http1_0: http1_0, streamsBody: false, asksUpgrade: asksUpgrade)
    }

    func dispatchRequest(
        _ request: consuming Request, keepAlive requestKeepAlive: Bool, isHead: Bool, http1_0: Bool, streamsBody: Bool, asksUpgrade: Bool = false
    ) {
        let keepAlive = state.dispatched(requestKeepAlive: requestKeepAlive)
        resources.requestsServed &+= 1
        let slot = Pending(
            response: nil, isHead: isHead, keepAlive: keepAlive, http1_0: http1_0, streamsBody: streamsBody, asksUpgrade: asksUpgrade
        )
        // Until its response is known, what follows may not be HTTP at all.
        if asksUpgrade { awaitingUpgrade = true }

        var request = request
        let result: HandlerResult
        do {
            if let inPlace = handler.dispatchInPlace {
                result = try inPlace(&request)
            } else {
                result = try handler.dispatch(request)
            }
        } catch {
            result = .response(Self.internalError(error, request, logger))
        }
        switch consume result {  // no copy of the response (4 retains otherwise)
        case .response(let response):
            if pending.isEmpty, activeStream == nil {
                encode(response, slot, request.headBytes)
            } else {
                var slot = slot
                slot.response = response
                slot.requestHead = request.headBytes
                pending.append(slot)
            }
        // Every copy of the request ends before its handler runs (`consume`): a worker may
        // go on to parse the next request (see `takeNextAsyncJob`), and a copy alive here
        // would make the parser allocate new header storage for it.
        case .async(let respond):
            let sequence = headSequence &+ UInt64(pending.count)
            pending.append(slot)
            runAsync(respond, consume request, sequence)
        case .asyncWithRequest(let attached, let respond):
            _ = consume request
            let sequence = headSequence &+ UInt64(pending.count)
            pending.append(slot)
            runAsync(respond, consume attached, sequence)
        }
    }

    /// Runs an async handler's job now, inline: a handler that does not suspend has answered
    /// when this returns, and its request is gone before the next one is parsed (so the
    /// parser reuses the header storage). Consumed: the request is moved, not copied.
    private func runAsync(_ respond: consuming @escaping AsyncResponder, _ request: consuming Request, _ sequence: UInt64) {
        if asyncWorker == nil {
            // The workers run on this loop only (see AsyncHandlerWorkers); the cycle through
            // this closure is broken when the connection closes (`asyncWorker = nil`).
            asyncWorker = AsyncHandlerWorkers(
                loop: context.eventLoop, executor: resources.executor, logger: logger,
                complete: { sequence, response, request in self.complete(sequence, response, request) },
                takeNext: { self.takeNextAsyncJob() }
            )
        }
        let job = AsyncHandlerWorkers.Job(respond: respond, request: consume request, sequence: sequence)
        if capturesAsyncJob {
            // A worker is taking the input itself (see `takeNextAsyncJob`): it runs this one.
            asyncWorker!.capturedJob = consume job
        } else {
            asyncWorker!.submit(consume job)
        }
    }

    /// Takes requests from the input until one is async, answering the sync ones on the
    /// way, and returns that one's job for the calling worker to run (see
    /// `AsyncHandlerWorkers.work`). Only inside `processInput`, whose loop goes on from
    /// wherever this stops.
    private func takeNextAsyncJob() -> AsyncHandlerWorkers.Job? {
        guard isProcessingInput, !capturesAsyncJob else { return nil }
        capturesAsyncJob = true
        takeRequests()
        capturesAsyncJob = false
        return asyncWorker?.capturedJob.take()
    }

    /// An async handler finished: encode its response, and every one after it that is ready.
    private func complete(_ sequence: UInt64, _ response: Response, _ request: Request) {
        guard context != nil, state.isWritable, sequence >= headSequence else { return }
        if !inReadBatch { resources.withDateCache { $0.refresh() } }
        let index = Int(sequence &- headSequence)
        guard index < pending.count else { return }
        if index == 0, activeStream == nil, pending[pending.startIndex].response == nil {
            // The oldest response owed (the common case): encode it now, without storing
            // it in its slot and reading it back.
            let slot = pending.removeFirst()
            headSequence &+= 1
            encode(response, slot, request.headBytes)
        } else {
            let slot = pending.index(pending.startIndex, offsetBy: index)
            // Answered by the engine already (its streamed body failed): drop this one.
            guard pending[slot].response == nil else { return }
            pending[slot].response = response
            pending[slot].requestHead = request.headBytes
        }
        drainReady()
        // Inside a read batch or `processInput` (a handler that answered inline), the
        // caller flushes; otherwise one flush after every handler finishing this tick.
        if !inReadBatch, !isProcessingInput { scheduleFlush() }
    }

    /// Encodes every response that is ready, in order, up to a streamed one (which holds
    /// the ones behind it until it ends).
    func drainReady() {
        while activeStream == nil, pending.first?.response != nil {
            let first = pending.removeFirst()
            headSequence &+= 1
            encode(first.response!, first, first.requestHead)
        }
        if state.isReadingBody { sendContinueIfExpected() }
        if state.isQuiescing, owedCount == 0 { quiescingStep(state.finishQuiescing(at: context.eventLoop.now.uptimeNanoseconds, owed: 0)) }
    }

    /// Responses still owed: waiting for their handler or their turn, or being streamed.
    var owedCount: Int { pending.count + (activeStream == nil ? 0 : 1) }

    /// Answers with `response` after every response owed, then closes: a request could not
    /// be parsed or was late, so nothing after it can be trusted. When the request at fault
    /// is one whose body streams (`replacingStreamedRequest`), dispatched already, this is
    /// its answer: its handler's response, when it comes, is dropped.
    func respondAndClose(_ response: Response, replacingStreamedRequest: Bool = false) {
        if replacingStreamedRequest, let last = pending.indices.last, pending[last].streamsBody {
            // Answered already (its handler did not wait for the body): that answer stands and
            // is the last. A second one would be read as the answer to a request never sent
            // (found by the connection fuzzer).
            if pending[last].response == nil { pending[last].response = response }
            pending[last].keepAlive = false
            drainReady()
        } else {
            let slot = Pending(response: response, isHead: false, keepAlive: false, http1_0: false)
            if pending.isEmpty, activeStream == nil { encode(response, slot, nil) } else { pending.append(slot) }
        }
        if !inReadBatch { flush() }
    }

    static func internalError(_ error: any Error, _ request: Request, _ logger: Logger) -> Response {
        if let error = error as? any ResponseError {
            logger.debug("handler answered with an error", metadata: ["error": "\(error)", "target": "\(request.target)"])
            return error.response
        }
        logger.error("handler failed", metadata: ["error": "\(error)", "target": "\(request.target)"])
        return internalServerError
    }

    // MARK: Encoding

    /// Encodes one response at the end of `output`. Hot path: the response's parts are
    /// passed to the encoder borrowed (no copies, so no retain/release per field).
    func encode(_ response: Response, _ slot: Pending, _ requestHead: ByteBuffer?) {
        let allowsBody = response.status.allowsBody
        // The body is switched over once, first: `Body` holds an existential (a writer),
        // which makes it address-only, and every `switch` over a borrowed `Body` copies the
        // whole enum (it was 3 switches, 3 retains and releases per response, counted with
        // uprobes; a consuming `encode` made the whole `Response` copied instead). An inline
        // payload goes to one of three locals, written after the head.
        var length = 0
        var usesScratch = false
        var text: String? = nil
        var bytes: ByteBuffer? = nil
        var writer: (any ResponseBodyWriter)? = nil
        var measuresInPlace = false
        var sentByConnection = false
        var isStream = false
        switch response.body {
        case .empty:
            break
        case .string(let string):
            length = string.utf8.count
            text = string
        case .bytes(let buffer):
            length = buffer.readableBytes
            bytes = buffer
        case .writer(let bodyWriter):
            if let known = bodyWriter.contentLength {
                length = known
                writer = bodyWriter
            } else if allowsBody, !slot.isHead {
                writer = bodyWriter
                measuresInPlace = true
            } else if allowsBody {
                // A writer of unknown length: write it aside to measure it.
                scratch.clear()
                do {
                    try bodyWriter.write(into: &scratch)
                } catch {
                    return encodeInternalError(error, slot, requestHead)
                }
                length = scratch.readableBytes
                usesScratch = true
            }
        case .stream:
            sentByConnection = true
            isStream = true
        case .file, .upgrade:
            sentByConnection = true
        }
        // The response to a request whose body is still arriving: the rest of the body is
        // not wanted any more. The body arriving is the last request's: with a later request
        // still owed (`pending` not empty), this is an earlier one, whose body is complete
        // (found by the connection fuzzer: it abandoned the later request's body).
        let bodyArriving = slot.streamsBody && pending.isEmpty && state.isReadingBody && !bodySink.isCollect
        // A streamed response may read that body as it writes (full duplex): left to the
        // stream's end (`streamFinished`).
        let streamsResponse = bodyArriving && isStream && allowsBody && !slot.isHead
        let abandonsBody = bodyArriving && !streamsResponse && abandonBody()
        // An upgrade request answered without switching: HTTP goes on after it.
        if slot.asksUpgrade { awaitingUpgrade = false }
        // Streams, files and upgrades (the rare case) are sent by the connection.
        if sentByConnection {
            return encodeSentByConnection(response, slot, requestHead, closes: abandonsBody, requestBodyArriving: streamsResponse)
        }
        if !allowsBody { length = 0 }
        // While shutting down, the last response owed says the connection closes.
        let close = state.closesAfter(keepAlive: slot.keepAlive && !abandonsBody, othersOwed: pending.count, hasBufferedInput: input.readableBytes > 0)
        let keepAlive = !close && slot.http1_0
        if measuresInPlace, let writer {
            return encodeMeasuringInPlace(response, writer, slot, requestHead, close: close, keepAlive: keepAlive)
        }
        let framing: ResponseFraming = allowsBody ? .contentLength(length) : .none
        let headStart = output.writerIndex
        let sendsBody = allowsBody && !slot.isHead
        do {
            // A string body goes in with the head: one reservation, one pass.
            try writeHead(response, framing: framing, close: close, keepAlive: keepAlive, body: sendsBody ? text : nil)
        } catch {
            return encodeInternalError(error, slot, requestHead)
        }
        // A string body was written with the head.
        if sendsBody {
            if usesScratch {
                output.writeBuffer(&scratch)
            } else if let bytes {
                output.writeImmutableBuffer(bytes)
            } else if writer != nil {
                let bodyStart = output.writerIndex
                do {
                    try writer?.write(into: &output)  // in place: no copy of the existential
                } catch {
                    // A writer of known length that threw: drop its head and partial body.
                    output.moveWriterIndex(to: headStart)
                    return encodeInternalError(error, slot, requestHead)
                }
                // The head announced `length` bytes: any other count would make the client
                // read the next response from the wrong place. Nothing of this response has
                // left yet, so it becomes a 500.
                let written = output.writerIndex - bodyStart
                if written != length {
                    output.moveWriterIndex(to: headStart)
                    return encodeInternalError(BodyLengthMismatch(declared: length, written: written), slot, requestHead)
                }
            }
        }
        if close { state.finalResponseEncoded() }
    }

    /// Encodes `response`'s head at the end of `output`, with the engine's framing and
    /// connection headers, and `body` after it; throws, writing nothing, for a head that
    /// cannot be sent (an invalid header). Inlined: every response takes it.
    ///
    /// Hot path: validated, then written in one pass into room reserved for its most bytes
    /// (`headSizeLimit`), instead of a counting pass and a writing pass (about 2 % of a
    /// pipelined request); a string body is copied in the same reservation.
    @inline(__always)
    func writeHead(_ response: Response, framing: ResponseFraming, close: Bool, keepAlive: Bool, body: String? = nil) throws {
        try ResponseEncoder.validate(
            status: response.status, contentType: response.contentType, headers: response.headers, framing: framing
        )
        resources.withDateCache { date in
            let limit = ResponseEncoder.headSizeLimit(
                status: response.status, contentType: response.contentType, headers: response.headers, date: date,
                bodyBytes: body?.utf8.count ?? 0
            )
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: limit) { out in
                ResponseEncoder.encodeResponse(
                    status: response.status, contentType: response.contentType, headers: response.headers,
                    framing: framing, close: close, keepAlive: keepAlive, date: date, body: body, into: out
                )
            }
        }
    }

    /// Answers `slot` with a 500 instead of a response that cannot be sent (an invalid
    /// header, a body writer that threw); the reason goes to the log.
    func encodeInternalError(_ error: any Error, _ slot: Pending, _ requestHead: ByteBuffer?) {
        logger.error("invalid response", metadata: ["error": "\(error)", "request": "\(Self.requestLine(requestHead))"])
        encode(Self.internalServerError, Pending(response: nil, isHead: slot.isHead, keepAlive: slot.keepAlive, http1_0: slot.http1_0), nil)
    }

    /// The request line at the start of a request's head bytes, for the log.
    static func requestLine(_ head: ByteBuffer?) -> String {
        guard let head else { return "-" }
        let line = head.readableBytesView.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        return String(decoding: line.prefix(1024), as: UTF8.self)
    }

    private static let internalServerError = Response(
        status: .internalServerError, contentType: "text/plain; charset=utf-8", body: .string("Internal Server Error\n")
    )
}
