import NIOConcurrencyHelpers
import NIOCore

/// Sends server-sent events on a streamed response (see `Response/eventStream(heartbeat:_:)`).
public struct EventStreamWriter: Sendable {
    let writer: ResponseBodyStreamWriter
    let lastWrite: LastWrite

    /// Sends `event`; returns once the connection can take more.
    ///
    /// - Throws: `ResponseStreamError/connectionClosed` when the client went away.
    public func send(_ event: ServerSentEvent) async throws {
        var buffer = writer.allocator.buffer(capacity: 64 + event.data.utf8.count)
        event.write(into: &buffer)
        lastWrite.touch()
        try await writer.write(buffer)
    }

    /// Sends `data` as an unnamed event.
    public func send(data: String) async throws {
        try await send(ServerSentEvent(data: data))
    }

    /// Sends a comment line (`: text`), which clients ignore: keeps idle proxies from
    /// closing the connection.
    public func comment(_ text: String = "") async throws {
        lastWrite.touch()
        try await writer.write(": " + text.filter { !$0.isNewline } + "\n\n")
    }
}

extension Response {
    /// A `text/event-stream` response whose events `produce` sends; the stream ends when it
    /// returns. When the client goes away, its task is cancelled and `send` throws.
    ///
    /// ```swift
    /// app.get("/ticks") { request in
    ///     Response.eventStream { events in
    ///         for tick in 1...3 {
    ///             try await events.send(ServerSentEvent(data: "tick \(tick)", id: "\(tick)"))
    ///             try await Task.sleep(for: .milliseconds(10))
    ///         }
    ///     }
    /// }
    /// ```
    /// With `heartbeat`, a comment is sent whenever no event went out for that long, so a
    /// quiet stream is not cut by a proxy's idle timeout (and a dead client is noticed).
    public static func eventStream(
        heartbeat: Duration? = .seconds(15),
        _ produce: @escaping @Sendable (EventStreamWriter) async throws -> Void
    ) -> Response {
        Response(
            contentType: "text/event-stream",
            // No caching, and no buffering by nginx in front of us: events must arrive when sent.
            headers: ["Cache-Control": "no-cache", "X-Accel-Buffering": "no"],
            body: .stream(ResponseBodyStream { writer in
                let events = EventStreamWriter(writer: writer, lastWrite: LastWrite())
                guard let heartbeat else { return try await produce(events) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // Both tasks inherit the stream's preference for the connection's loop.
                    group.addTask { try await produce(events) }
                    group.addTask { try await Self.beat(every: heartbeat, events) }
                    try await group.next()  // the events are over (or failed)
                    group.cancelAll()
                }
            })
        )
    }

    /// Sends a comment whenever nothing was sent for `interval`, until cancelled.
    private static func beat(every interval: Duration, _ events: EventStreamWriter) async throws {
        while true {
            try await Task.sleep(for: interval)
            if events.lastWrite.elapsed >= interval { try await events.comment() }
        }
    }

    /// A response whose body `produce` writes while it is sent (see `ResponseBodyStream`):
    /// chunked, or with Content-Length when `contentLength` is given.
    public static func stream(
        contentType: String? = "application/octet-stream", contentLength: Int? = nil,
        _ produce: @escaping @Sendable (ResponseBodyStreamWriter) async throws -> Void
    ) -> Response {
        Response(contentType: contentType, body: .stream(ResponseBodyStream(contentLength: contentLength, produce)))
    }
}

/// When an event stream last sent something (read by its heartbeat).
final class LastWrite: Sendable {
    private let instant = NIOLockedValueBox(ContinuousClock.now)

    func touch() { instant.withLockedValue { $0 = .now } }
    var elapsed: Duration { ContinuousClock.now - instant.withLockedValue { $0 } }
}
