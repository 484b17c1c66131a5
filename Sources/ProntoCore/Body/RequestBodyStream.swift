import NIOCore

/// A request body as it arrives: an `AsyncSequence` of buffers, with backpressure.
///
/// ```swift
/// app.post("/upload", body: .stream()) { request in
///     var size = 0
///     for try await chunk in request.bodyStream! { size += chunk.readableBytes }
///     return "\(size) bytes\n"
/// }
/// ```
/// The connection stops reading from the socket while the consumer lags (a few buffers are
/// held at most), and reads again when it catches up: a 2 GiB upload costs the server the
/// same memory as a small one. De-chunked bytes only; the sequence ends after the body's last
/// byte, and throws ``RequestBodyStreamError`` when the body cannot be completed (the client
/// went away, stopped sending for longer than the request timeout, or sent a malformed
/// chunk). Iterate it once. Stopping early is fine: the rest of the body is discarded, or
/// the connection closes after the response when too much is left.
public struct RequestBodyStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    package typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, LoopDemandDelegate
    >

    let producer: Producer

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            try await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator())
    }

    /// The whole body in one buffer, refused past `maxSize` bytes.
    ///
    /// - Throws: ``RequestBodyStreamError/tooLarge(limit:)`` past `maxSize`, or what the
    ///   stream throws.
    public func collect(upTo maxSize: Int) async throws -> ByteBuffer {
        var iterator = makeAsyncIterator()
        guard var collected = try await iterator.next() else { return ByteBuffer() }
        guard collected.readableBytes <= maxSize else { throw RequestBodyStreamError.tooLarge(limit: maxSize) }
        while var next = try await iterator.next() {
            guard next.readableBytes <= maxSize - collected.readableBytes else { throw RequestBodyStreamError.tooLarge(limit: maxSize) }
            collected.writeBuffer(&next)
        }
        return collected
    }
}

/// Why a streamed request body ended before its last byte.
public enum RequestBodyStreamError: Error, Equatable, CustomStringConvertible {
    /// The connection closed before the body was complete.
    case connectionClosed
    /// The client paused longer than the request timeout (answered 408).
    case timeout
    /// The body's framing was invalid (a malformed chunk, too large): answered with `status`.
    case malformed(status: Int, reason: String)
    /// ``RequestBodyStream/collect(upTo:)`` met more than `limit` bytes.
    case tooLarge(limit: Int)
    /// The response was sent before the handler read the whole body; the rest is discarded.
    case responseAlreadySent

    public var description: String {
        switch self {
        case .connectionClosed: "the connection closed before the request body was complete"
        case .timeout: "the client stopped sending the request body for longer than the request timeout"
        case .malformed(let status, let reason): "malformed request body (\(status)): \(reason)"
        case .tooLarge(let limit): "the request body exceeds \(limit) bytes"
        case .responseAlreadySent: "the response was sent before the request body was read; the rest of the body is discarded"
        }
    }
}

/// How a request body reaches its handler.
public enum RequestBodyPolicy: Sendable, Equatable {
    /// Collected whole before the handler runs, up to `HTTPLimits/maxBodySize` (413 past it).
    case collect
    /// Handed to the handler as a ``RequestBodyStream`` as soon as the head arrives, up to
    /// `maxSize` bytes (413 past it), or without limit when nil.
    case stream(maxSize: Int?)

    /// A streamed body without a size limit.
    public static var stream: RequestBodyPolicy { .stream(maxSize: nil) }
}
