import NIOCore

/// One server-sent event (the `text/event-stream` format of the HTML standard).
///
/// ```swift
/// try await events.send(ServerSentEvent(data: "{\"price\":42}", event: "quote", id: "17"))
/// ```
public struct ServerSentEvent: Sendable, Hashable {
    /// The payload; each of its lines becomes a `data:` line (the browser joins them with `\n`).
    public var data: String
    /// The event type (`event:`), dispatched to `addEventListener(type, …)`; nil: `message`.
    public var event: String?
    /// The event id (`id:`): the browser sends the last one back as `Last-Event-ID` when
    /// it reconnects (see `Request/lastEventID`).
    public var id: String?
    /// How long the browser waits before reconnecting, in milliseconds (`retry:`).
    public var retry: Int?

    /// An event with `data` (split on newlines into `data:` lines), and the optional `event` name, `id` and `retry` (milliseconds) fields.
    public init(data: String, event: String? = nil, id: String? = nil, retry: Int? = nil) {
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry
    }

    /// Appends the event's wire form to `buffer`. A line break inside `event` or `id` would
    /// end the field early and let the rest pass for other fields, so those are dropped from
    /// them (and NUL from `id`, which makes browsers ignore it); `data` is split into lines.
    public func write(into buffer: inout ByteBuffer) {
        if let event {
            buffer.writeStaticString("event: ")
            buffer.writeString(Self.singleLine(event))
            buffer.writeStaticString("\n")
        }
        if let id {
            buffer.writeStaticString("id: ")
            buffer.writeString(Self.singleLine(id).replacingNUL())
            buffer.writeStaticString("\n")
        }
        if let retry {
            buffer.writeStaticString("retry: ")
            buffer.writeString(String(max(0, retry)))
            buffer.writeStaticString("\n")
        }
        for line in Self.lines(data) {
            buffer.writeStaticString("data: ")
            buffer.writeSubstring(line)
            buffer.writeStaticString("\n")
        }
        buffer.writeStaticString("\n")
    }

    /// `text`'s lines, split at CRLF, LF or CR as the event-stream parser splits them.
    static func lines(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        var start = text.startIndex
        var index = start
        while index < text.endIndex {
            let character = text[index]
            if character == "\n" || character == "\r" || character == "\r\n" {
                lines.append(text[start..<index])
                index = text.index(after: index)
                start = index
            } else {
                index = text.index(after: index)
            }
        }
        lines.append(text[start..<text.endIndex])
        return lines
    }

    private static func singleLine(_ text: String) -> String {
        text.contains(where: \.isNewline) ? String(text.filter { !$0.isNewline }) : text
    }
}

extension String {
    fileprivate func replacingNUL() -> String {
        contains("\0") ? String(filter { $0 != "\0" }) : self
    }
}

extension Request {
    /// The `Last-Event-ID` header: the id of the last event a reconnecting `EventSource`
    /// received, so the stream can resume after it.
    public var lastEventID: String? { header("last-event-id") }
}
