#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import ProntoHTTP

/// Responses whose bodies are not in memory: streams (an async function writes them while
/// they are sent, holding the responses behind them) and files.
extension HTTPConnectionHandler {
    /// Files up to this size are read into the output buffer beside their head (one write
    /// for the batch, as for any response); larger ones go out with `sendfile`.
    static let fileCopyThreshold = 64 * 1024
    /// Stream writes up to this size are copied into the output buffer; larger ones are
    /// handed to NIO as they are (a second iovec instead of a copy).
    static let streamCopyThreshold = 8 * 1024
    /// `TCP_CORK` (Linux): hold partial segments until uncorked.
    static let cork = ChannelOptions.Types.SocketOption(level: .init(rawValue: CInt(IPPROTO_TCP)), name: .init(rawValue: 3))  // TCP_CORK

    /// Encodes a response whose body is a stream or a file.
    func encodeSentByConnection(_ response: Response, _ slot: Pending, _ requestHead: ByteBuffer?, closes: Bool, requestBodyArriving: Bool = false) {
        let sendsBody = response.status.allowsBody && !slot.isHead
        switch response.body {
        case .stream(let stream) where sendsBody:
            startStream(stream, response, slot, requestHead, closes: closes, requestBodyArriving: requestBodyArriving)
        case .file(let file) where sendsBody && !settings.usesSendfile && file.length > Self.fileCopyThreshold:
            // TLS: `sendfile` would bypass the encryption; read and written as a stream.
            startStream(file.readingStream(), response, slot, requestHead, closes: closes, requestBodyArriving: requestBodyArriving)
        case .file(let file) where sendsBody:
            encodeFile(file, response, slot, requestHead, closes: closes)
        case .stream(let stream):
            // HEAD, or a status without a body: the head a GET would get, and no body.
            let framing: ResponseFraming = !response.status.allowsBody ? .none
                : stream.contentLength.map(ResponseFraming.contentLength) ?? (slot.http1_0 ? .none : .chunked)
            encodeHeadOnly(response, slot, requestHead, framing: framing, closes: closes)
        case .file(let file):
            encodeHeadOnly(response, slot, requestHead, framing: response.status.allowsBody ? .contentLength(file.length) : .none, closes: closes)
        case .upgrade(let upgrade):
            encodeUpgrade(upgrade, response, slot, requestHead)
        case .empty, .string, .bytes, .writer:
            preconditionFailure("encodeSentByConnection: an in-memory body")
        }
    }

    // MARK: Streams

    /// Starts sending a streamed response: its function runs in a task on this loop; the
    /// head leaves with the first write.
    func startStream(_ stream: ResponseBodyStream, _ response: Response, _ slot: Pending, _ requestHead: ByteBuffer?, closes: Bool, requestBodyArriving: Bool) {
        let loop = context.eventLoop
        let streaming = StreamingResponse(
            loop: loop, connection: self, response: response, slot: slot, requestHead: requestHead,
            declaredLength: stream.contentLength, closes: closes
        )
        streaming.requestBodyStillArriving = requestBodyArriving
        activeStream = streaming
        let writer = ResponseBodyStreamWriter(loop: loop, stream: NIOLoopBound(streaming, eventLoop: loop), allocator: context.channel.allocator)
        let produce = stream.produce
        let ended = NIOLoopBound(streaming, eventLoop: loop)
        streaming.task = Task(executorPreference: resources.executor) {
            var failure: (any Error)?
            do {
                try await produce(writer)
            } catch {
                failure = error
            }
            let error = failure
            if loop.inEventLoop {
                ended.value.ended(error)
            } else {
                loop.execute { ended.value.ended(error) }
            }
        }
    }

    /// Encodes the head of a streamed response, once its framing is known: `finalLength`
    /// when the body ended before anything was written.
    private func encodeStreamHead(_ stream: StreamingResponse, finalLength: Int?) throws {
        let framing: ResponseFraming
        if let length = stream.declaredLength ?? finalLength {
            framing = .contentLength(length)
        } else if stream.slot.http1_0 {
            // HTTP/1.0 has no chunked coding: the body ends with the connection.
            framing = .none
            stream.isCloseDelimited = true
        } else {
            framing = .chunked
        }
        let close = stream.closes || stream.isCloseDelimited
            || state.closesAfter(keepAlive: stream.slot.keepAlive, othersOwed: pending.count, hasBufferedInput: input.readableBytes > 0)
        if !inReadBatch { resources.withDateCache { $0.refresh() } }
        try writeHead(stream.response, framing: framing, close: close, keepAlive: !close && stream.slot.http1_0)
        stream.headWritten = true
        stream.isChunked = framing == .chunked
        stream.closes = close
    }

    /// One write of a stream's function: encoded, handed to NIO and flushed.
    func streamWrite(_ stream: StreamingResponse, _ buffer: ByteBuffer) throws {
        let count = buffer.readableBytes
        guard count > 0 else { return }
        if let declared = stream.declaredLength, stream.written + count > declared {
            throw ResponseStreamError.exceedsContentLength(declared: declared)
        }
        if !stream.headWritten { try encodeStreamHead(stream, finalLength: nil) }
        stream.written += count
        if stream.isChunked {
            output.writeString(String(count, radix: 16))
            output.writeStaticString("\r\n")
        }
        if count <= Self.streamCopyThreshold {
            output.writeImmutableBuffer(buffer)
        } else {
            context.write(wrapOutboundOut(output), promise: nil)
            output.clear()
            context.write(wrapOutboundOut(buffer), promise: nil)
            hasUnflushedWrites = true
        }
        if stream.isChunked { output.writeStaticString("\r\n") }
        if !isBusy { flush() }
    }

    /// The stream's body is complete: encode its end, then the responses waiting behind it.
    func streamFinished(_ stream: StreamingResponse, trailers: HTTPFields) throws {
        guard activeStream === stream else { return }
        if !stream.headWritten {
            // Nothing was written: the whole body is known to be empty.
            do {
                try encodeStreamHead(stream, finalLength: 0)
            } catch {
                activeStream = nil
                encodeInternalError(error, stream.slot, stream.requestHead)
                return afterStream(stream)
            }
        }
        if let declared = stream.declaredLength, stream.written != declared {
            let error = ResponseStreamError.shorterThanContentLength(declared: declared, written: stream.written)
            abort(stream, error)
            throw error
        }
        if stream.isChunked {
            output.writeStaticString("0\r\n")
            for field in trailers {
                output.writeString(field.name)
                output.writeStaticString(": ")
                output.writeString(field.value)
                output.writeStaticString("\r\n")
            }
            output.writeStaticString("\r\n")
        }
        activeStream = nil
        // The request body the stream was free to read: what is left of it now is not
        // wanted (discarded, or the connection closes after this response).
        if stream.requestBodyStillArriving, state.isReadingBody, !bodySink.isCollect, abandonBody() { stream.closes = true }
        if stream.closes { state.finalResponseEncoded() }
        afterStream(stream)
    }

    /// The stream's function threw: a 500 when nothing was sent yet; otherwise the body
    /// cannot be completed and the connection is cut.
    func streamFailed(_ stream: StreamingResponse, _ error: any Error) {
        guard activeStream === stream else { return }
        if stream.headWritten {
            abort(stream, error)
        } else {
            activeStream = nil
            encodeInternalError(error, stream.slot, stream.requestHead)
            afterStream(stream)
        }
    }

    private func abort(_ stream: StreamingResponse, _ error: any Error) {
        logger.error("streamed response failed after its head was sent; closing the connection", metadata: [
            "error": "\(error)", "request": "\(Self.requestLine(stream.requestHead))",
        ])
        activeStream = nil
        stream.connectionClosed()
        flush()
        context?.close(promise: nil)
    }

    /// Encodes what waited behind the stream, writes, and reads again.
    private func afterStream(_ stream: StreamingResponse) {
        drainReady()
        if !isBusy {
            flush()
            resumeIfPossible()
        }
    }

    /// Encodes the head of a response whose body is not sent (HEAD, 204, 304) with the
    /// framing its body would have had.
    func encodeHeadOnly(_ response: Response, _ slot: Pending, _ requestHead: ByteBuffer?, framing: ResponseFraming, closes: Bool) {
        let close = closes || state.closesAfter(keepAlive: slot.keepAlive, othersOwed: pending.count, hasBufferedInput: input.readableBytes > 0)
        do {
            try writeHead(response, framing: framing, close: close, keepAlive: !close && slot.http1_0)
        } catch {
            return encodeInternalError(error, slot, requestHead)
        }
        if close { state.finalResponseEncoded() }
    }

    // MARK: Files

    /// Encodes a file response: small files are read into the output buffer, large ones
    /// sent with `sendfile` after what is encoded so far (NIO keeps the writes in order).
    func encodeFile(_ file: FileBody, _ response: Response, _ slot: Pending, _ requestHead: ByteBuffer?, closes: Bool) {
        let close = closes || state.closesAfter(keepAlive: slot.keepAlive, othersOwed: pending.count, hasBufferedInput: input.readableBytes > 0)
        guard let descriptor = file.takeDescriptor() else {
            return encodeInternalError(FileBodyError(path: "(descriptor)", reason: "the FileBody was sent already"), slot, requestHead)
        }
        let headStart = output.writerIndex
        do {
            try writeHead(response, framing: .contentLength(file.length), close: close, keepAlive: !close && slot.http1_0)
        } catch {
            closeDescriptor(descriptor)
            return encodeInternalError(error, slot, requestHead)
        }
        if file.length <= Self.fileCopyThreshold {
            // Files this small are in the page cache when they are served often: a blocking
            // pread here costs a few microseconds, less than handing the work to a thread.
            let read = output.writeWithUnsafeMutableBytes(minimumWritableBytes: file.length) { out in
                FileReading.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: out[..<file.length]), at: file.offset)
            }
            closeDescriptor(descriptor)
            guard read == file.length else {
                output.moveWriterIndex(to: headStart)
                return encodeInternalError(FileBodyError(path: "(descriptor)", reason: "read \(read) of \(file.length) bytes; did the file shrink?"), slot, requestHead)
            }
        } else {
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
            let region = FileRegion(fileHandle: handle, readerIndex: file.offset, endIndex: file.offset + file.length)
            // Corked while the head and the file go out, as nginx's tcp_nopush does: the
            // head does not leave as a packet of its own (TCP_NODELAY), so the file's bytes
            // go in full-size segments, which the client receives with less work.
            #if os(Linux)
            let options = context.channel.syncOptions
            try? options?.setOption(Self.cork, value: 1)
            #endif
            context.write(wrapOutboundOut(output), promise: nil)
            output.clear()
            let written = context.eventLoop.makePromise(of: Void.self)
            context.write(NIOAny(IOData.fileRegion(region)), promise: written)
            hasUnflushedWrites = true
            written.futureResult.assumeIsolated().whenComplete { _ in
                try? handle.close()
                #if os(Linux)
                try? options?.setOption(Self.cork, value: 0)
                #endif
            }
        }
        if close { state.finalResponseEncoded() }
    }
}
