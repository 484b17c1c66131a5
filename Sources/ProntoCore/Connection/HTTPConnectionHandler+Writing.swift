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
            output.readableBytes == 0, !hasUnflushedWrites, !hasCapturedJob else { return }
        output = emptyBuffer
        scratch = emptyBuffer
        pending = resources.emptyPendingRing
        parser.releaseStorage()
    }

    // MARK: Time

    /// (Re)arms the connection's one timer (in uptime nanoseconds, the state machine's clock).
    func armTimer(at deadline: UInt64) {
        timer?.cancel()
        timerDeadline = .uptimeNanoseconds(deadline)
        // A scheduled callback, not a scheduled task: NIO keeps the target in its timer
        // heap and allocates nothing, where a task costs a promise, its future and two
        // closures (184 bytes a connection, measured). The target holds the handler
        // strongly on purpose (see `TimerTarget`); the timer is cancelled when the channel
        // goes away, which breaks the cycle.
        timer = try? context.eventLoop.scheduleCallback(at: timerDeadline, handler: TimerTarget(connection: self, deadline: timerDeadline))
    }

    /// The reaper: one timer per connection, re-armed to the next deadline that matters
    /// instead of rescheduled per request. `deadline` is the one the timer was armed for: a
    /// timer cancelled after NIO took it from its heap to run (in the same batch as what
    /// re-armed it) still calls, and is ignored, so it cannot drop the timer armed since.
    func timerFired(armedFor deadline: NIODeadline) {
        guard deadline == timerDeadline else { return }
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
            logger.debug("request timeout", metadata: ["remote": "\(connectionInfo.remoteAddress?.description ?? "?")"])
            respondAndClose(Response(
                status: .requestTimeout, contentType: "text/plain; charset=utf-8", body: .string("request not received in time\n")
            ), replacingStreamedRequest: streamed)
        case .closeQuiesced:
            flush()
        case .closeSlowReader:
            logger.debug("write timeout: the client does not read", metadata: ["remote": "\(connectionInfo.remoteAddress?.description ?? "?")"])
            // Reset, not close: a plain close leaves our unsent output in the kernel, which
            // goes on trickling it to the client that does not read (the socket outlives us).
            guard let socket = context.channel as? any SocketOptionProvider else { return context.close(promise: nil) }
            socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                self.context?.close(promise: nil)
            }
        case .closeIdle:
            logger.debug("idle timeout", metadata: ["remote": "\(connectionInfo.remoteAddress?.description ?? "?")"])
            context.close(promise: nil)
        }
    }
}

/// What the connection's timer calls back. A strong reference on purpose: a weak one would
/// give the handler a side table, and every retain of it would take the runtime's slow
/// path.
struct TimerTarget: NIOScheduledCallbackHandler, @unchecked Sendable {
    // Unchecked: the callback runs on the connection's event loop, the only thread that
    // touches the handler.
    let connection: HTTPConnectionHandler
    let deadline: NIODeadline

    func handleScheduledCallback(eventLoop: some EventLoop) {
        connection.timerFired(armedFor: deadline)
    }
}
