/// Limits that bound what one request may make the server hold.
///
/// Each is checked while bytes arrive, not after: a request line that grows past
/// ``maxRequestLineLength`` is refused before its end is seen.
public struct HTTPLimits: Sendable, Hashable {
    /// Longest request line in bytes, CRLF excluded (414 URI Too Long past it).
    public var maxRequestLineLength: Int
    /// Largest header section in bytes, from the first field line through the blank line
    /// (431 Request Header Fields Too Large past it). Also bounds chunked trailers.
    public var maxHeaderSectionSize: Int
    /// Most field lines in a header section (431 past it).
    public var maxHeaderCount: Int
    /// Largest request body in bytes after chunked decoding (413 Content Too Large past it).
    public var maxBodySize: Int

    public init(
        maxRequestLineLength: Int = 8 * 1024,
        maxHeaderSectionSize: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        maxBodySize: Int = 1024 * 1024
    ) {
        precondition(maxRequestLineLength > 0 && maxHeaderSectionSize > 0 && maxHeaderCount > 0 && maxBodySize >= 0,
                     "HTTPLimits: every limit must be positive")
        precondition(maxRequestLineLength + maxHeaderSectionSize < Int(UInt32.max / 2),
                     "HTTPLimits: a request head must stay below 2 GiB")
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderSectionSize = maxHeaderSectionSize
        self.maxHeaderCount = maxHeaderCount
        self.maxBodySize = maxBodySize
    }

    /// 8 KiB request line, 16 KiB or 100 fields of headers, 1 MiB body.
    public static let `default` = HTTPLimits()
}
