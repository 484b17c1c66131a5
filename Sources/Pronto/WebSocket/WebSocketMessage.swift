import NIOCore

/// A whole WebSocket message (its fragments joined): text or binary.
///
/// The payload is kept as bytes; ``text`` decodes a text message when asked, so a server
/// that forwards messages (an echo, a chat relay) never builds a `String`.
public struct WebSocketMessage: Sendable, Equatable, CustomStringConvertible {
    /// Whether the message is text (UTF-8, validated on arrival) or binary.
    public enum Kind: Sendable, Equatable {
        case text
        case binary
    }

    /// Text or binary.
    public var kind: Kind
    /// The payload: UTF-8 for a text message.
    public var data: ByteBuffer

    /// A message of `kind` with the payload `data`.
    public init(kind: Kind, data: ByteBuffer) {
        self.kind = kind
        self.data = data
    }

    /// A text message.
    public static func text(_ text: String) -> WebSocketMessage {
        WebSocketMessage(kind: .text, data: ByteBuffer(string: text))
    }

    /// A binary message.
    public static func binary(_ data: ByteBuffer) -> WebSocketMessage {
        WebSocketMessage(kind: .binary, data: data)
    }

    /// The text of a text message; nil for a binary one.
    public var text: String? {
        kind == .text ? String(buffer: data) : nil
    }

    public var description: String {
        switch kind {
        case .text: "text(\(data.readableBytes) bytes)"
        case .binary: "binary(\(data.readableBytes) bytes)"
        }
    }
}
