import NIOCore

/// Receiving requests: parsing heads, reading bodies, `100 Continue`, refusing bad requests.
extension HTTPConnectionHandler {
    /// Takes every complete request out of `input`, as long as the pipeline has room.
    func processInput() {
        precondition(!isProcessingInput, "HTTPConnectionHandler: processInput re-entered")
        isProcessingInput = true
        takeRequests()
        isProcessingInput = false
        // A body is still arriving: the timer must fire by its deadline (the one armed
        // before may be the idle timeout's, later). Only for a body split across reads.
        if state.isReadingBody, state.bodyDeadline < timerDeadline.uptimeNanoseconds { armTimer(at: state.bodyDeadline) }
        resumeIfDeferred()
    }

    func takeRequests() {
        // A job captured for a worker (see `takeNextAsyncJob`) ends the loop: it runs first.
        while !hasCapturedJob, state.isTakingRequests, pending.count < settings.maxPipelinedRequests {
            // Big responses: write what the batch holds so far instead of buffering it all,
            // and stop taking requests while the socket cannot keep up (resumed by
            // channelWritabilityChanged). This bounds memory per connection.
            if output.readableBytes >= Self.outputHighWaterMark {
                flush()
                if !channelIsWritable { return }
            }
            // The body's consumer lags (see `bodyDemand`), or an upgrade may take the bytes
            // that follow (see `+Upgrade`).
            if state.isBodyPaused || awaitingUpgrade { return }
            switch state.input {
            case .idle, .head:
                guard input.readableBytes > 0 else { return }
                let result = input.withUnsafeReadableBytes { parser.parse($0) }
                // Consumed, like the head below: no copy of a request's head may outlive its
                // dispatch (see `dispatchRequest`).
                switch consume result {
                case .needMore:
                    // Bytes are buffered (even only blank lines, or a lone CR): a head has
                    // begun, and the head timeout counts from now (not the idle timeout).
                    if let deadline = state.headStarted(), deadline < timerDeadline.uptimeNanoseconds {
                        armTimer(at: deadline)
                    }
                    return
                case .error(let error):
                    refuse(error)
                    return
                case .complete(let head):
                    let headBytes = input.readSlice(length: head.length)!
                    startRequest(consume head, headBytes)
                }
            case .body(.contentLength(let remaining)):
                let available = min(remaining, input.readableBytes)
                if available == 0 { return }
                var slice = input.readSlice(length: available)!
                switch bodySink {
                case .collect: arriving!.bytes.writeBuffer(&slice)
                case .stream(let source): deliverBody(slice, to: source)
                case .discard: break
                }
                if remaining == available {
                    finishBody()
                } else {
                    state.bodyReceived(remaining: remaining - available)
                    return
                }
            case .body(.chunked):
                if !decodeChunks() { return }

            case .stopped:
                return
            }
        }
    }

    private func startRequest(_ head: consuming RequestHead, _ headBytes: consuming ByteBuffer) {
        let length = head.contentLength ?? 0
        guard head.isChunked || length > 0 else {
            state.headCompleted(body: nil)
            return dispatch(consume head, headBytes, nil)
        }
        var maxSize: Int? = settings.limits.maxBodySize
        var streams = false
        if let policy = handler.bodyPolicy {
            let connection = connectionInfo
            if case .stream(let limit) = policy(Request(head: copy head, headBytes: copy headBytes, body: nil, connection: connection)) {
                streams = true
                maxSize = limit
            }
        }
        if let maxSize, length > maxSize { return refuse(HTTPParseError(.bodyTooLarge(limit: maxSize))) }
        var limits = settings.limits
        limits.maxBodySize = maxSize ?? .max
        let decoder = ChunkedBodyDecoder(limits: limits)
        if streams {
            state.headCompleted(body: head.isChunked ? .chunked : .contentLength(remaining: length))
            arriving = ArrivingBody(head: copy head, headBytes: emptyBuffer, bytes: emptyBuffer, chunkedDecoder: decoder)
            sendContinueIfExpected()
            return startBodyStream(head, headBytes)
        }
        if head.isChunked {
            state.headCompleted(body: .chunked)
            arriving = ArrivingBody(
                head: consume head, headBytes: headBytes, bytes: context.channel.allocator.buffer(capacity: 0), chunkedDecoder: decoder
            )
            sendContinueIfExpected()
        } else if input.readableBytes >= length {
            // The whole body is here: hand out a slice, no copy.
            state.headCompleted(body: nil)
            let body = input.readSlice(length: length)!
            dispatch(consume head, headBytes, body)
        } else {
            // Grow with what arrives: a client announcing a large body and sending it
            // slowly must not make every connection reserve the maximum up front.
            var body = context.channel.allocator.buffer(capacity: min(length, 64 * 1024))
            var rest = input.readSlice(length: input.readableBytes)!
            body.writeBuffer(&rest)
            state.headCompleted(body: .contentLength(remaining: length - body.readableBytes))
            arriving = ArrivingBody(head: consume head, headBytes: headBytes, bytes: body, chunkedDecoder: decoder)
            sendContinueIfExpected()
        }
    }

    /// Feeds `input` to the chunked decoder; returns true when the body is complete.
    private func decodeChunks() -> Bool {
        while true {
            if state.isBodyPaused { return false }
            guard let arriving else { preconditionFailure("HTTPConnectionHandler: a chunked body with no arriving request") }
            let step = input.withUnsafeReadableBytes { arriving.chunkedDecoder.decode($0) }
            switch step {
            case .data(let range, let consumed):
                switch bodySink {
                case .collect:
                    input.withUnsafeReadableBytes { _ = arriving.bytes.writeBytes(UnsafeRawBufferPointer(rebasing: $0[range])) }
                case .stream(let source):
                    deliverBody(input.getSlice(at: input.readerIndex + range.lowerBound, length: range.count)!, to: source)
                case .discard:
                    break
                }
                input.moveReaderIndex(forwardBy: consumed)
            case .needMore(let consumed):
                input.moveReaderIndex(forwardBy: consumed)
                return false
            case .end(let consumed):
                input.moveReaderIndex(forwardBy: consumed)
                finishBody()
                return true
            case .error(let error):
                let streamed = bodySink.isStream
                failBodyStream(.malformed(status: error.status, reason: error.reason))
                refuse(error, replacingStreamedRequest: streamed)
                return false
            }
        }
    }

    private func finishBody() {
        state.bodyCompleted()
        let arriving = self.arriving.take()
        switch bodySink {
        case .collect:
            guard let arriving else { preconditionFailure("HTTPConnectionHandler: a collected body with no arriving request") }
            dispatch(arriving.head, arriving.headBytes, arriving.bytes)
        case .stream(let source):
            // Dispatched when its head arrived.
            bodySink = .collect
            source.finish()
        case .discard:
            bodySink = .collect
        }
    }

    /// RFC 9110 §10.1.1: answer `100 Continue` before reading the body, but only when no
    /// earlier response is still owed (interim responses must not overtake them).
    func sendContinueIfExpected() {
        // A streamed body's request is owed already (dispatched at its head); a body being
        // discarded was answered already: no 100 then.
        let owedBefore = pending.count - (bodySink.isStream ? 1 : 0)
        guard let arriving, arriving.head.expectsContinue, !arriving.sentContinue, owedBefore == 0, activeStream == nil,
            !bodySink.isDiscard, arriving.head.version.isAtLeast1_1 else { return }
        arriving.sentContinue = true
        output.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
        if !inReadBatch { flush() }
    }

    /// Answers a request that cannot be parsed, after every response owed before it,
    /// then closes: its framing is unknown, so nothing after it can be trusted.
    private func refuse(_ error: HTTPParseError, replacingStreamedRequest: Bool = false) {
        state.requestRefused()
        logger.debug("refused request", metadata: ["status": "\(error.status)", "reason": "\(error.reason)"])
        respondAndClose(Response(
            status: HTTPStatus(code: error.status), contentType: "text/plain; charset=utf-8", body: .string(error.reason + "\n")
        ), replacingStreamedRequest: replacingStreamedRequest)
    }
}
