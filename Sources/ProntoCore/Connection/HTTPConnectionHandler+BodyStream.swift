import NIOCore

/// Streamed request bodies: a request whose route streams its body is dispatched when its
/// head arrives, and its body goes to a ``RequestBodyStream`` as it is read, reading paused
/// while the consumer lags.
extension HTTPConnectionHandler {
    /// Where the body being received goes.
    enum BodySink {
        /// Into `body`, dispatched when complete.
        case collect
        /// To the handler's stream.
        case stream(RequestBodyStream.Producer.Source)
        /// Nowhere: its response was sent, or its consumer stopped reading.
        case discard

        var isStream: Bool { if case .stream = self { true } else { false } }
        var isDiscard: Bool { if case .discard = self { true } else { false } }
        var isCollect: Bool { if case .collect = self { true } else { false } }
    }

    /// Bytes of a body still to come that are read and dropped after its response rather
    /// than closing the connection (as nginx's lingering read does): past this, closing is
    /// cheaper than reading.
    static let maxBodyDiscard = 256 * 1024

    /// Dispatches the request now, with a stream its body will arrive in.
    func startBodyStream(_ head: RequestHead, _ headBytes: ByteBuffer) {
        bodyStreamGeneration &+= 1
        let generation = bodyStreamGeneration
        let onDemand = NIOLoopBound<(Bool) -> Void>({ wantsMore in
            self.bodyDemand(wantsMore: wantsMore, generation: generation)
        }, eventLoop: context.eventLoop)
        // A few buffers (each at most one socket read) may wait for the consumer.
        let sequence = RequestBodyStream.Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4),
            finishOnDeinit: false,
            delegate: LoopDemandDelegate(loop: context.eventLoop, onDemand: onDemand)
        )
        bodySink = .stream(sequence.source)
        let connection = connectionInfo
        let request = Request(head: head, headBytes: headBytes, bodyStream: RequestBodyStream(producer: sequence.sequence), connection: connection)
        dispatchRequest(request, keepAlive: head.keepAlive, isHead: head.method == .head, http1_0: !head.version.isAtLeast1_1, streamsBody: true)
    }

    /// Hands part of a streamed body to its consumer; pauses reading when it has enough.
    func deliverBody(_ bytes: ByteBuffer, to source: RequestBodyStream.Producer.Source) {
        switch source.yield(bytes) {
        case .produceMore:
            break
        case .stopProducing:
            state.bodyPaused()
        case .dropped:
            // The consumer is gone: the rest of the body is read and dropped.
            bodySink = .discard
        }
    }

    /// The consumer wants more (`wantsMore`), or has gone. Ignored when it is about a body
    /// that has ended since.
    private func bodyDemand(wantsMore: Bool, generation: UInt64) {
        guard generation == bodyStreamGeneration, context != nil, case .stream(let source) = bodySink else { return }
        if !wantsMore {
            bodySink = .discard
            source.finish()
        }
        if state.isBodyPaused {
            state.bodyResumed(at: context.eventLoop.now.uptimeNanoseconds)
            resumeIfPossible()
        }
    }

    /// The response to the request whose body is arriving was encoded: drop the rest of the
    /// body, or close after the response when too much is left. Returns whether the
    /// connection closes after this response.
    func abandonBody() -> Bool {
        if case .stream(let source) = bodySink {
            source.finish(RequestBodyStreamError.responseAlreadySent)
        }
        bodySink = .discard
        let tooMuchLeft: Bool
        switch state.input {
        case .body(.contentLength(let remaining)): tooMuchLeft = remaining > Self.maxBodyDiscard
        default: tooMuchLeft = true  // chunked: the rest is unknown
        }
        // A client waiting for `100 Continue` will not send the body now.
        if tooMuchLeft || (arriving.map { $0.head.expectsContinue && !$0.sentContinue } ?? false) {
            state.bodyAbandoned()
            return true
        }
        if state.isBodyPaused { state.bodyResumed(at: context.eventLoop.now.uptimeNanoseconds) }
        return false
    }

    /// The connection closed with a body arriving: its consumer learns that it is incomplete.
    func failBodyStream(_ error: RequestBodyStreamError) {
        if case .stream(let source) = bodySink { source.finish(error) }
        bodySink = .collect
    }
}
