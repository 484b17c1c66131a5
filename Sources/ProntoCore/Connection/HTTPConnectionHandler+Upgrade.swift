import NIOCore

/// Protocol upgrades (`101 Switching Protocols`, see ``ProtocolUpgrade``): a request that
/// asks to upgrade holds the requests after it until its response is known; a 101 hands
/// the connection to the new protocol's handlers once it is written.
extension HTTPConnectionHandler {
    /// Encodes the 101 of an upgrade; the hand-off follows the write (see `flush`).
    func encodeUpgrade(_ upgrade: ProtocolUpgrade, _ response: Response, _ slot: Pending, _ requestHead: ByteBuffer?) {
        guard slot.asksUpgrade, response.status.code == 101, !slot.http1_0 else {
            return encodeInternalError(InvalidUpgrade(status: response.status.code, requested: slot.asksUpgrade), slot, requestHead)
        }
        // The request also said `Connection: close`, or the server is shutting down: the
        // connection ends after this answer, so it cannot switch (found by the connection
        // fuzzer: switching from a stopped input trapped).
        guard state.canUpgrade else {
            let refusal = state.isQuiescing
                ? Response(status: .serviceUnavailable, contentType: "text/plain; charset=utf-8", body: .string("server shutting down: no protocol upgrade\n"))
                : Response(status: .badRequest, contentType: "text/plain; charset=utf-8", body: .string("Connection: close and a protocol upgrade contradict each other\n"))
            return encode(refusal, Pending(response: nil, isHead: slot.isHead, keepAlive: false, http1_0: slot.http1_0), requestHead)
        }
        do {
            // No framing and no Connection header of the engine's: the handler's own
            // `Connection: Upgrade` and `Upgrade` headers go out as given.
            try writeHead(response, framing: .none, close: false, keepAlive: false)
        } catch {
            return encodeInternalError(error, slot, requestHead)
        }
        state.upgraded()
        awaitingUpgrade = true  // nothing more is parsed, nothing more is read as HTTP
        upgradeToPerform = upgrade
        if !inReadBatch, !isProcessingInput { flush() }
    }

    /// The 101 is on its way: install the new protocol after this handler, give it the
    /// bytes the client sent after the upgrade request, and leave the pipeline.
    func handOff(_ upgrade: ProtocolUpgrade) {
        guard let context else { return }
        upgradeToPerform = nil
        let leftover = input
        input = emptyBuffer
        timer?.cancel()
        timer = nil
        asyncWorker?.finish()
        asyncWorker = nil
        let channel = context.channel
        // The server's connection registry learns of the close from the channel itself.
        do {
            try upgrade.install(channel)
        } catch {
            logger.error("protocol upgrade failed; closing the connection", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        if leftover.readableBytes > 0 { context.fireChannelRead(NIOAny(leftover)) }
        if readPending {
            readPending = false
            context.read()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
