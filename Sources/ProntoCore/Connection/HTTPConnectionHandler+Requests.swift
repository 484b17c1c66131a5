import NIOCore

/// Receiving requests: parsing heads, reading bodies, `100 Continue`, refusing bad requests.
extension HTTPConnectionHandler {
    /// Takes every complete request out of `input`, as long as the pipeline has room.
    func processInput() {
        precondition(!isProcessingInput, "HTTPConnectionHandler: processInput re-entered")
        isProcessingInput = true
        takeRequests()
        isProcessingInput = false
        resumeIfDeferred()
    }

    private func takeRequests() {
        while state.isTakingRequests, pending.count < settings.maxPipelinedRequests {
            // Big responses: write what the batch holds so far instead of buffering it all,
            // and stop taking requests while the socket cannot keep up (resumed by
            // channelWritabilityChanged). This bounds memory per connection.
            if output.readableBytes >= Self.outputHighWaterMark {
                flush()
                if !context.channel.isWritable { return }
            }
            switch state.input {
            case .idle, .head:
                guard input.readableBytes > 0 else { return }
                let result = input.withUnsafeReadableBytes { parser.parse($0) }
                switch result {
                case .needMore:
                    if parser.isInsideHead, let deadline = state.headStarted(), deadline < timerDeadline.uptimeNanoseconds {
                        armTimer(at: deadline)
                    }
                    return
                case .error(let error):
                    refuse(error)
                    return
                case .complete(let head):
                    let headBytes = input.readSlice(length: head.length)!
                    startRequest(head, headBytes)
                }
            case .body(.contentLength(let remaining)):
                let available = min(remaining, input.readableBytes)
                if available == 0 { return }
                var slice = input.readSlice(length: available)!
                body.writeBuffer(&slice)
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
        if head.isChunked {
            state.headCompleted(body: .chunked)
            bodyHead = head
            bodyHeadBytes = headBytes
            body = context.channel.allocator.buffer(capacity: 0)
            chunkedDecoder = ChunkedBodyDecoder(limits: settings.limits)
            sendContinueIfExpected()
        } else if let length = head.contentLength, length > 0 {
            if input.readableBytes >= length {
                // The whole body is here: hand out a slice, no copy.
                state.headCompleted(body: nil)
                let body = input.readSlice(length: length)!
                dispatch(head, headBytes, body)
            } else {
                bodyHead = head
                bodyHeadBytes = headBytes
                // Grow with what arrives: a client announcing a large body and sending it
                // slowly must not make every connection reserve the maximum up front.
                body = context.channel.allocator.buffer(capacity: min(length, 64 * 1024))
                var rest = input.readSlice(length: input.readableBytes)!
                body.writeBuffer(&rest)
                state.headCompleted(body: .contentLength(remaining: length - body.readableBytes))
                sendContinueIfExpected()
            }
        } else {
            state.headCompleted(body: nil)
            dispatch(head, headBytes, nil)
        }
    }

    /// Feeds `input` to the chunked decoder; returns true when the body is complete.
    private func decodeChunks() -> Bool {
        while true {
            let step = input.withUnsafeReadableBytes { bytes -> ChunkedBodyDecoder.Step in
                let step = chunkedDecoder.decode(bytes)
                if case .data(let range, _) = step {
                    body.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[range]))
                }
                return step
            }
            switch step {
            case .data(_, let consumed):
                input.moveReaderIndex(forwardBy: consumed)
            case .needMore(let consumed):
                input.moveReaderIndex(forwardBy: consumed)
                return false
            case .end(let consumed):
                input.moveReaderIndex(forwardBy: consumed)
                finishBody()
                return true
            case .error(let error):
                refuse(error)
                return false
            }
        }
    }

    private func finishBody() {
        state.bodyCompleted()
        sentContinue = false
        let head = bodyHead
        let headBytes = bodyHeadBytes
        let body = self.body
        bodyHeadBytes = emptyBuffer
        self.body = emptyBuffer
        dispatch(head, headBytes, body)
    }

    /// RFC 9110 §10.1.1: answer `100 Continue` before reading the body, but only when no
    /// earlier response is still owed (interim responses must not overtake them).
    func sendContinueIfExpected() {
        guard bodyHead.expectsContinue, !sentContinue, pending.isEmpty, bodyHead.version.isAtLeast1_1 else { return }
        sentContinue = true
        output.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
        if !inReadBatch { flush() }
    }

    /// Answers a request that cannot be parsed, after every response owed before it,
    /// then closes: its framing is unknown, so nothing after it can be trusted.
    private func refuse(_ error: HTTPParseError) {
        state.requestRefused()
        logger.debug("refused request", metadata: ["status": "\(error.status)", "reason": "\(error.reason)"])
        respondAndClose(Response(
            status: HTTPStatus(code: error.status), contentType: "text/plain; charset=utf-8", body: .string(error.reason + "\n")
        ))
    }
}
