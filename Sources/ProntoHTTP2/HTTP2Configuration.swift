import NIOCore
import NIOHTTP2

/// HTTP/2 limits and timeouts, with safe defaults.
///
/// Idle connections, graceful shutdown and header-section sizes also follow the server's
/// `ServerConfiguration` (its idle timeout, grace period and `HTTPLimits`); these are the
/// settings HTTP/2 adds.
public struct HTTP2Configuration: Sendable, Hashable {
    /// Streams a client may have open at once (`SETTINGS_MAX_CONCURRENT_STREAMS`, default
    /// 100, as nginx and RFC 9113 §6.5.2 suggest). A client that opens more is refused
    /// (`RST_STREAM REFUSED_STREAM`).
    public var maxConcurrentStreams: Int
    /// The largest frame payload the server accepts (`SETTINGS_MAX_FRAME_SIZE`, default and
    /// minimum 16,384 bytes).
    public var maxFrameSize: Int
    /// The largest decoded header list the server accepts (`SETTINGS_MAX_HEADER_LIST_SIZE`);
    /// nil: the server's `HTTPLimits.maxHeaderSectionSize`.
    public var maxHeaderListSize: Int?
    /// Each stream's receive window (`SETTINGS_INITIAL_WINDOW_SIZE`, default 65,535): how
    /// much of a request body a client may send before the handler has read it.
    public var streamWindowSize: Int
    /// The connection's receive window, over all its streams (default 1 MiB).
    public var connectionWindowSize: Int
    /// Bytes of a response a stream buffers before its writer waits (default 64 KiB), on
    /// top of what the client's flow-control window admits.
    public var streamWriteBufferSize: Int
    /// How long a connection may live before it is closed gracefully (GOAWAY, then the
    /// streams in flight finish); nil: no limit.
    public var maxConnectionAge: TimeAmount?
    /// Stream resets a client may send per ``resetWindow`` before the connection is closed
    /// (rapid reset, CVE-2023-44487; default 200 per 30 s).
    public var maxResetsPerWindow: Int
    /// The window ``maxResetsPerWindow`` counts in.
    public var resetWindow: TimeAmount
    /// CONTINUATION frames one header block may span before the connection is closed
    /// (CONTINUATION flood, CVE-2024-27316; default 5).
    public var maxContinuationFrames: Int
    /// Keep-alive pings when the connection is quiet (interval, then how long the client has
    /// to answer); nil (the default): none.
    public var keepAlivePing: (interval: TimeAmount, timeout: TimeAmount)? {
        get { pingInterval.map { ($0, pingTimeout) } }
        set {
            pingInterval = newValue?.interval
            pingTimeout = newValue?.timeout ?? .seconds(20)
        }
    }
    private var pingInterval: TimeAmount?
    private var pingTimeout: TimeAmount = .seconds(20)

    /// A configuration; every argument has the default described on its property.
    public init(
        maxConcurrentStreams: Int = 100,
        maxFrameSize: Int = 16_384,
        maxHeaderListSize: Int? = nil,
        streamWindowSize: Int = 65_535,
        connectionWindowSize: Int = 1 << 20,
        streamWriteBufferSize: Int = 64 * 1024,
        maxConnectionAge: TimeAmount? = nil,
        maxResetsPerWindow: Int = 200,
        resetWindow: TimeAmount = .seconds(30),
        maxContinuationFrames: Int = 5
    ) {
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxFrameSize = maxFrameSize
        self.maxHeaderListSize = maxHeaderListSize
        self.streamWindowSize = streamWindowSize
        self.connectionWindowSize = connectionWindowSize
        self.streamWriteBufferSize = streamWriteBufferSize
        self.maxConnectionAge = maxConnectionAge
        self.maxResetsPerWindow = maxResetsPerWindow
        self.resetWindow = resetWindow
        self.maxContinuationFrames = maxContinuationFrames
    }

    /// Checks every value; throws a ``HTTP2ConfigurationError`` naming the first bad one.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ allowed: String) throws {
            if !ok { throw HTTP2ConfigurationError(setting: name, value: "\(value)", allowed: allowed) }
        }
        try check(maxConcurrentStreams >= 1, "maxConcurrentStreams", maxConcurrentStreams, "1 or more")
        try check((16_384...16_777_215).contains(maxFrameSize), "maxFrameSize", maxFrameSize, "16384...16777215 (RFC 9113 §6.5.2)")
        try check((maxHeaderListSize ?? 1) >= 1, "maxHeaderListSize", maxHeaderListSize ?? 0, "1 or more, or nil")
        try check((1...Int(Int32.max)).contains(streamWindowSize), "streamWindowSize", streamWindowSize, "1...2147483647")
        try check((65_535...Int(Int32.max)).contains(connectionWindowSize), "connectionWindowSize", connectionWindowSize, "65535...2147483647")
        try check(streamWriteBufferSize >= 1024, "streamWriteBufferSize", streamWriteBufferSize, "1024 or more")
        try check(maxResetsPerWindow >= 1, "maxResetsPerWindow", maxResetsPerWindow, "1 or more")
        try check(maxContinuationFrames >= 1, "maxContinuationFrames", maxContinuationFrames, "1 or more")
        try check((maxConnectionAge ?? .seconds(1)) > .zero, "maxConnectionAge", maxConnectionAge ?? .zero, "more than 0, or nil")
    }
}

/// An ``HTTP2Configuration`` value is out of range.
public struct HTTP2ConfigurationError: Error, CustomStringConvertible {
    /// The setting's name.
    public let setting: String
    /// The value given.
    public let value: String
    /// What is allowed.
    public let allowed: String
    public var description: String { "HTTP2Configuration.\(setting) is \(value); allowed: \(allowed)" }
}
