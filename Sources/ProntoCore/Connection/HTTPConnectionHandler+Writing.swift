import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing the output, closing, and the connection's timer.
extension HTTPConnectionHandler {
    /// Writes what is encoded (one write for the batch); closes after the last response.
    func flush() {
        guard let context else { return }
        switch state.flush(hasBytes: output.readableBytes > 0 || hasUnflushedWrites, owed: owedCount) {
        case .nothing:
            break
        case .write:
            isWriting = true
            hasUnflushedWrites = false
            if output.readableBytes > 0 {
                context.writeAndFlush(wrapOutboundOut(output), promise: nil)
            } else {
                context.flush()
            }
            // NIO has written it (or queued a reference); clearing reuses the storage when
            // the write completed, and is copy-on-write safe when it did not.
            output.clear()
            isWriting = false
            if let upgrade = upgradeToPerform { return handOff(upgrade) }
            resumeIfDeferred()
        case .writeAndClose:
            let promise = context.eventLoop.makePromise(of: Void.self)
            isWriting = true
            hasUnflushedWrites = false
            context.writeAndFlush(wrapOutboundOut(output), promise: promise)
            output.clear()
            isWriting = false
            promise.futureResult.assumeIsolated().whenComplete { _ in self.closeGracefully() }
        case .close:
            closeGracefully()
        }
    }

    /// Async handlers of one read batch finish one after the other in the same loop tick:
    /// flush once after all of them (a task queued behind theirs), not once per response.
    func scheduleFlush() {
        guard !flushScheduled, let context else { return }  // nil: handed over (see `+Upgrade`)
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flush()
            self.resumeIfPossible()
        }
    }

    /// Closes our side for writing first, so the client reads the last response before
    /// the connection goes away (a close with unread input would reset it), then closes.
    private func closeGracefully() {
        guard let context else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { result in
            guard let context = self.context else { return }
            switch result {
            case .success:
                // Give the client a moment to read and close; then close regardless.
                context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { self.context?.close(promise: nil) }
            case .failure:
                context.close(promise: nil)
            }
        }
    }

    /// Does what graceful shutdown asks: close once written, or be back by the linger's end.
    func quiescingStep(_ action: ConnectionStateMachine.QuiesceAction) {
        switch action {
        case .nothing:
            break
        case .close:
            if !inReadBatch { flush() }
        case .wait(let until):
            if until < timerDeadline.uptimeNanoseconds { armTimer(at: until) }
        }
    }

    /// A connection waiting for its next request gives its buffers back (the next request
    /// allocates them again): 10,000 idle keep-alive connections then cost their sockets and
    /// NIO's channels, not 10,000 output buffers and header arrays. Called when the timer
    /// fires (at most every few seconds per connection), never per request.
    func releaseBuffersIfIdle() {
        guard case .idle = state.input, owedCount == 0, !isBusy, !inReadBatch, input.readableBytes == 0,
            output.readableBytes == 0, !hasUnflushedWrites, capturedJob == nil else { return }
        output = emptyBuffer
        scratch = emptyBuffer
        body = emptyBuffer
        bodyHeadBytes = emptyBuffer
        bodyHead = RequestHead(headerCapacity: 0)
        if pending.capacity > Self.pendingInitialCapacity { pending = CircularBuffer(initialCapacity: Self.pendingInitialCapacity) }
        parser = RequestParser(limits: parser.limits)
    }

    // MARK: Time

    /// (Re)arms the connection's one timer (in uptime nanoseconds, the state machine's clock).
    func armTimer(at deadline: UInt64) {
        timer?.cancel()
        timerDeadline = .uptimeNanoseconds(deadline)
        // A strong capture on purpose: a weak reference would give the handler a side table,
        // and every retain of it would take the runtime's slow path. The timer is cancelled
        // when the channel goes away, which breaks the cycle.
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: timerDeadline) { self.timerFired() }
    }

    /// The reaper: one timer per connection, re-armed to the next deadline that matters
    /// instead of rescheduled per request (a scheduled task allocates).
    private func timerFired() {
        timer = nil
        timerDeadline = .distantFuture
        guard let context else { return }
        switch state.timerFired(at: context.eventLoop.now.uptimeNanoseconds, owed: owedCount) {
        case nil:
            break
        case .rearm(let deadline):
            releaseBuffersIfIdle()
            armTimer(at: deadline)
        case .requestTimeout:
            let streamed = bodySink.isStream
            failBodyStream(.timeout)
            logger.debug("request timeout", metadata: ["remote": "\(connectionInfo?.remoteAddress?.description ?? "?")"])
            respondAndClose(Response(
                status: .requestTimeout, contentType: "text/plain; charset=utf-8", body: .string("request not received in time\n")
            ), replacingStreamedRequest: streamed)
        case .closeQuiesced:
            flush()
        case .closeSlowReader:
            logger.debug("write timeout: the client does not read", metadata: ["remote": "\(connectionInfo?.remoteAddress?.description ?? "?")"])
            // Reset, not close: a plain close leaves our unsent output in the kernel, which
            // goes on trickling it to the client that does not read (the socket outlives us).
            guard let socket = context.channel as? any SocketOptionProvider else { return context.close(promise: nil) }
            socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                self.context?.close(promise: nil)
            }
        case .closeIdle:
            logger.debug("idle timeout", metadata: ["remote": "\(connectionInfo?.remoteAddress?.description ?? "?")"])
            context.close(promise: nil)
        }
    }
}
