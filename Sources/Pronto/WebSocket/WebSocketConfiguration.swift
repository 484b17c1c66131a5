/// Limits and timers of a WebSocket route.
public struct WebSocketConfiguration: Sendable {
    /// The largest message accepted, fragments joined (a larger one closes the connection
    /// with 1009). Also the largest frame.
    public var maxMessageSize: Int
    /// How often a ping is sent when nothing arrived meanwhile; nil sends none. Keeps idle
    /// proxies from cutting the connection and finds peers that vanished.
    public var pingInterval: Duration?
    /// How long a ping may wait for its pong (or anything else from the peer) before the
    /// connection is considered dead and closed (1001).
    public var pongTimeout: Duration
    /// How long to wait for the peer's close frame after sending ours, before closing the
    /// TCP connection anyway.
    public var closeTimeout: Duration
    /// Messages received but not yet taken by the handler before the connection stops
    /// reading from the socket (backpressure); reading resumes at half of it.
    public var maxQueuedMessages: Int
    /// A per-message compression extension (ProntoCompression's `PerMessageDeflate`), used
    /// with the clients that offer it; nil sends and accepts only uncompressed messages.
    public var compression: (any WebSocketMessageExtension)?

    /// Limits and timers for WebSocket connections; each parameter sets the property of the same name.
    public init(
        maxMessageSize: Int = 1 << 20, pingInterval: Duration? = .seconds(30), pongTimeout: Duration = .seconds(10),
        closeTimeout: Duration = .seconds(5), maxQueuedMessages: Int = 16, compression: (any WebSocketMessageExtension)? = nil
    ) {
        self.maxMessageSize = maxMessageSize
        self.pingInterval = pingInterval
        self.pongTimeout = pongTimeout
        self.closeTimeout = closeTimeout
        self.maxQueuedMessages = maxQueuedMessages
        self.compression = compression
    }

    /// Refuses limits that cannot work, naming the field and the fix.
    public func validate() throws(WebSocketConfigurationError) {
        guard maxMessageSize > 0, maxMessageSize <= Int(UInt32.max) else {
            throw WebSocketConfigurationError("maxMessageSize must be between 1 and \(UInt32.max) bytes, not \(maxMessageSize)")
        }
        guard maxQueuedMessages >= 2 else {
            throw WebSocketConfigurationError("maxQueuedMessages must be at least 2, not \(maxQueuedMessages)")
        }
        if let pingInterval, pingInterval <= .zero {
            throw WebSocketConfigurationError("pingInterval must be positive (or nil for no pings), not \(pingInterval)")
        }
        guard pongTimeout > .zero, closeTimeout > .zero else {
            throw WebSocketConfigurationError("pongTimeout and closeTimeout must be positive")
        }
    }
}

/// A ``WebSocketConfiguration`` that cannot work; the message names the field and the fix.
public struct WebSocketConfigurationError: Error, CustomStringConvertible {
    /// What is wrong, naming the setting and the value.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Why a WebSocket operation failed.
public enum WebSocketError: Error, Equatable, CustomStringConvertible {
    /// The connection is closed or closing: nothing more can be sent.
    case closed
    /// A close reason longer than the 123 bytes a close frame can carry.
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .closed: "the WebSocket is closed: nothing more can be sent"
        case .tooLarge(let limit): "the WebSocket payload exceeds \(limit) bytes"
        }
    }
}
