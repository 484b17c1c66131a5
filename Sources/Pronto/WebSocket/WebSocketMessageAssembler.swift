import NIOCore
import NIOWebSocket

/// Joins data frames into messages and checks them as they arrive (RFC 6455 §5.4, §5.6,
/// §8.1): continuation frames only inside a fragmented message, no new message before the
/// last one ended, the size limit across fragments, and UTF-8 for text, checked per
/// fragment so a bad byte fails the connection at once.
struct WebSocketMessageAssembler {
    enum Outcome: Equatable {
        /// A whole message.
        case message(WebSocketMessage)
        /// A whole message whose first frame had RSV1 set: still to be decoded by the
        /// negotiated extension (its text is checked after).
        case compressedMessage(WebSocketMessage)
        /// A fragment was taken; the message goes on.
        case incomplete
        /// The connection must fail with this code and reason.
        case failure(WebSocketCloseCode, String)
    }

    let maxMessageSize: Int
    /// The kind of the fragmented message in progress; nil between messages.
    private var kind: WebSocketMessage.Kind?
    /// The message in progress is compressed (RSV1 on its first frame).
    private var compressed = false
    private var fragments: ByteBuffer?
    private var utf8 = UTF8Validator()

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// The UTF-8 state a frame with `opcode` would continue from, when its payload is text
    /// checked as it arrives: a new text frame starts afresh, a continuation goes on from the
    /// message so far. Nil when the frame is not checked that way (binary, compressed, or out
    /// of place: `receive` will refuse it).
    func textValidator(for opcode: WebSocketOpcode, compressed: Bool) -> UTF8Validator? {
        guard !compressed else { return nil }
        switch opcode {
        case .text: return kind == nil ? UTF8Validator() : nil
        case .continuation: return kind == .text && !self.compressed ? utf8 : nil
        default: return nil
        }
    }

    /// Takes one data frame (text, binary or continuation), already unmasked; `compressed`
    /// is its RSV1 bit (allowed on a message's first frame only when an extension is on).
    mutating func receive(opcode: WebSocketOpcode, fin: Bool, data: ByteBuffer, compressed: Bool = false) -> Outcome {
        let kind: WebSocketMessage.Kind
        switch opcode {
        case .text, .binary:
            guard self.kind == nil else {
                return .failure(.protocolError, "a new message started before the fragmented one ended")
            }
            kind = opcode == .text ? .text : .binary
            utf8 = UTF8Validator()
            self.compressed = compressed
        case .continuation:
            guard let current = self.kind else {
                return .failure(.protocolError, "a continuation frame outside a fragmented message")
            }
            guard !compressed else { return .failure(.protocolError, "RSV1 on a continuation frame") }
            kind = current
        default:
            preconditionFailure("WebSocketMessageAssembler: \(opcode) is not a data frame")
        }
        let size = (fragments?.readableBytes ?? 0) + data.readableBytes
        guard size <= maxMessageSize else {
            return .failure(.messageTooBig, "a message exceeds \(maxMessageSize) bytes")
        }
        if kind == .text, !self.compressed {
            let valid = data.withUnsafeReadableBytes { utf8.validate($0) }
            guard valid, !fin || utf8.isComplete else {
                return .failure(.invalidPayload, "a text message is not valid UTF-8")
            }
        }
        if fin {
            self.kind = nil
            let message: WebSocketMessage
            if var joined = fragments.take() {
                var data = data
                joined.writeBuffer(&data)
                message = WebSocketMessage(kind: kind, data: joined)
            } else {
                // One frame: its payload as it is, no copy.
                message = WebSocketMessage(kind: kind, data: data)
            }
            return self.compressed ? .compressedMessage(message) : .message(message)
        }
        self.kind = kind
        if fragments == nil {
            var first = data
            // Owned storage that grows with the fragments (the frame is a slice of the read).
            var copy = ByteBufferAllocator().buffer(capacity: first.readableBytes)
            copy.writeBuffer(&first)
            fragments = copy
        } else {
            var data = data
            fragments!.writeBuffer(&data)
        }
        return .incomplete
    }
}
