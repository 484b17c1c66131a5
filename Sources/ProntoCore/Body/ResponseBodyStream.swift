import NIOCore
import ProntoHTTP

/// A response body produced by an async function, sent as it is written.
///
/// ```swift
/// Response(contentType: "text/csv", body: .stream(ResponseBodyStream { writer in
///     for row in rows {
///         try await writer.write("\(row.id),\(row.name)\n")
///     }
/// }))
/// ```
/// The function starts when the response's turn comes (responses leave in request order;
/// the ones behind a stream wait for it to finish). Without ``contentLength`` the body is
/// sent chunked (close-delimited to an HTTP/1.0 client). The head leaves with the first
/// write, so a function that throws before writing anything is answered with a 500; one
/// that throws later cuts the connection, as nothing else can tell the client the body is
/// incomplete. The body ends when the function returns (or at
/// ``ResponseBodyStreamWriter/finish(trailers:)``).
///
/// Writes wait while the client is not reading (the socket is not writable), so a
/// connection holds at most one write plus NIO's write buffer. When the client goes away,
/// the function's task is cancelled and writes throw ``ResponseStreamError/connectionClosed``.
public struct ResponseBodyStream: Sendable {
    /// The exact length in bytes, when known: sent as Content-Length instead of chunked.
    /// Writing another number of bytes cuts the connection.
    public let contentLength: Int?
    let produce: @Sendable (ResponseBodyStreamWriter) async throws -> Void

    /// A body that `produce` writes.
    public init(contentLength: Int? = nil, _ produce: @escaping @Sendable (ResponseBodyStreamWriter) async throws -> Void) {
        self.contentLength = contentLength
        self.produce = produce
    }

    /// Runs the stream's function with `writer`: for a stream that wraps another one and
    /// transforms its writes (compression), or a test. Unlike the engine, it does not call
    /// ``ResponseBodyStreamWriter/finish(trailers:)`` when the function returns.
    public func produce(into writer: ResponseBodyStreamWriter) async throws {
        try await produce(writer)
    }
}

/// Writes the body of a streamed response (see ``ResponseBodyStream``).
///
/// Use it from the stream's function (it runs on the connection's event loop, so writes
/// there take no thread hop); it may be used from any task, one write at a time.
public struct ResponseBodyStreamWriter: Sendable {
    /// Where the writes go: the connection, or functions of a stream that wraps this one.
    enum Sink: Sendable {
        case connection(any EventLoop, NIOLoopBound<StreamingResponse>)
        case functions(
            write: @Sendable (ByteBuffer) async throws -> Void,
            finish: @Sendable (HTTPFields) async throws -> Void
        )
    }

    let sink: Sink

    /// An allocator for the buffers to write.
    public let allocator: ByteBufferAllocator

    init(loop: any EventLoop, stream: NIOLoopBound<StreamingResponse>, allocator: ByteBufferAllocator) {
        self.sink = .connection(loop, stream)
        self.allocator = allocator
    }

    /// A writer that hands each write to `write` and the end of the body to `finish`: how a
    /// stream that transforms another stream's bytes (compression) gives that stream a
    /// writer (see ``ResponseBodyStream/produce(into:)``). The functions are called one at
    /// a time, in order, as the stream's function calls `write` and ``finish(trailers:)``.
    public init(
        allocator: ByteBufferAllocator,
        write: @escaping @Sendable (ByteBuffer) async throws -> Void,
        finish: @escaping @Sendable (HTTPFields) async throws -> Void
    ) {
        self.sink = .functions(write: write, finish: finish)
        self.allocator = allocator
    }

    /// Sends `buffer`'s readable bytes; returns once the connection can take more.
    ///
    /// - Throws: ``ResponseStreamError`` when the client went away, the body exceeds its
    ///   Content-Length, or the body was already finished.
    public func write(_ buffer: ByteBuffer) async throws {
        switch sink {
        case .connection(let loop, let stream): try await Self.onLoop(loop, stream) { $0.write(buffer) }
        case .functions(let write, _): try await write(buffer)
        }
    }

    /// Sends `string`'s UTF-8 bytes.
    public func write(_ string: String) async throws {
        try await write(allocator.buffer(string: string))
    }

    /// Ends the body, with trailer fields after a chunked one (ignored otherwise). Called
    /// for you when the stream's function returns; later writes throw.
    public func finish(trailers: HTTPFields = HTTPFields()) async throws {
        switch sink {
        case .connection(let loop, let stream): try await Self.onLoop(loop, stream) { $0.finish(trailers: trailers) }
        case .functions(_, let finish): try await finish(trailers)
        }
    }

    private static func onLoop(
        _ loop: any EventLoop, _ stream: NIOLoopBound<StreamingResponse>,
        _ operation: @escaping @Sendable (StreamingResponse) -> EventLoopFuture<Void>?
    ) async throws {
        if loop.inEventLoop {
            // The usual case: the stream's task runs on the loop. Wait only when told to.
            if let wait = operation(stream.value) { try await wait.get() }
        } else {
            try await loop.flatSubmit { operation(stream.value) ?? stream.value.loop.makeSucceededVoidFuture() }.get()
        }
    }
}

/// Why a streamed response body could not be written.
public enum ResponseStreamError: Error, Equatable, CustomStringConvertible {
    /// The client went away (or the server closed the connection): nothing more can be sent.
    case connectionClosed
    /// The writes exceed the stream's ``ResponseBodyStream/contentLength``.
    case exceedsContentLength(declared: Int)
    /// The body ended with fewer bytes than its ``ResponseBodyStream/contentLength``.
    case shorterThanContentLength(declared: Int, written: Int)
    /// A write or finish after the body was finished.
    case alreadyFinished

    public var description: String {
        switch self {
        case .connectionClosed:
            "the connection closed: the client went away or the server is stopping"
        case .exceedsContentLength(let declared):
            "the stream wrote more than its contentLength of \(declared) bytes; pass contentLength nil when the length is not known"
        case .shorterThanContentLength(let declared, let written):
            "the stream finished after \(written) of its contentLength of \(declared) bytes; the connection was cut"
        case .alreadyFinished:
            "the response body was already finished; write before finish(trailers:) or before the stream's function returns"
        }
    }
}
