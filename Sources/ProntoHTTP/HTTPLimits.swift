/// Limits that bound what one request may make the server hold.
///
/// Each is checked while bytes arrive, not after: a request line that grows past
/// ``maxRequestLineLength`` is refused before its end is seen.
///
/// Every limit must be positive (``maxBodySize`` may be 0), and the request line and
/// header section together below 2 GiB (a head's offsets are 32-bit). A server checks
/// this when it starts and throws an error naming the limit; the parser alone, given a
/// limit out of range, refuses requests rather than misbehave.
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

    /// Limits; each parameter sets the property of the same name.
    public init(
        maxRequestLineLength: Int = 8 * 1024,
        maxHeaderSectionSize: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        maxBodySize: Int = 1024 * 1024
    ) {
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderSectionSize = maxHeaderSectionSize
        self.maxHeaderCount = maxHeaderCount
        self.maxBodySize = maxBodySize
    }

    /// 8 KiB request line, 16 KiB or 100 fields of headers, 1 MiB body.
    public static let `default` = HTTPLimits()

    /// The largest request line and header section together: offsets into a head are
    /// 32-bit (``ByteRange``), and stay far from wrapping.
    package static let maxHeadSize = Int(UInt32.max / 2) - 1

    /// The first limit out of range: its name, its value and what a valid one is; nil when
    /// all are valid. Pronto's configuration check throws it as an error.
    package var firstInvalid: (name: String, value: Int, expected: String)? {
        if maxRequestLineLength < 1 {
            return ("maxRequestLineLength", maxRequestLineLength, "at least 1 byte (the default is \(Self.default.maxRequestLineLength))")
        }
        if maxHeaderSectionSize < 1 {
            return ("maxHeaderSectionSize", maxHeaderSectionSize, "at least 1 byte (the default is \(Self.default.maxHeaderSectionSize))")
        }
        if maxHeaderCount < 1 {
            return ("maxHeaderCount", maxHeaderCount, "at least 1 field (the default is \(Self.default.maxHeaderCount))")
        }
        if maxBodySize < 0 {
            return ("maxBodySize", maxBodySize, "0 or more bytes (0 refuses every body; the default is \(Self.default.maxBodySize))")
        }
        // Both are positive here, so the difference cannot overflow.
        if maxRequestLineLength > Self.maxHeadSize - maxHeaderSectionSize {
            let (sum, overflow) = maxRequestLineLength.addingReportingOverflow(maxHeaderSectionSize)
            return ("maxRequestLineLength + maxHeaderSectionSize", overflow ? Int.max : sum,
                    "at most \(Self.maxHeadSize) bytes together, as a request head's offsets are 32-bit")
        }
        return nil
    }
}
