/// The layout of a `multipart/byteranges` body (RFC 9110 §14.6, RFC 2046 §5.1.1): for
/// each range, a delimiter and a head (`Content-Type`, `Content-Range`), then the bytes;
/// a closing delimiter at the end.
///
/// ```
/// --BOUNDARY␍␊Content-Type: text/plain␍␊Content-Range: bytes 0-4/100␍␊␍␊<5 bytes>
/// ␍␊--BOUNDARY␍␊Content-Type: text/plain␍␊Content-Range: bytes 50-59/100␍␊␍␊<10 bytes>
/// ␍␊--BOUNDARY--␍␊
/// ```
/// Everything but the file's bytes is known up front, so the exact body length is too:
/// the response is sent with a `Content-Length`, not chunked.
struct MultipartByteRanges: Equatable, Sendable {
    /// One part: the text before its bytes, and which bytes of the file.
    struct Part: Equatable, Sendable {
        let head: String
        let range: Range<Int>
    }

    let boundary: String
    let parts: [Part]
    /// Written after the last part's bytes.
    let epilogue: String
    /// The whole body's length in bytes.
    let contentLength: Int

    /// The response's `Content-Type`.
    var contentType: String { "multipart/byteranges; boundary=" + boundary }

    /// The layout for `ranges` of a file of `size` bytes of type `contentType`.
    init(ranges: [Range<Int>], size: Int, contentType: String, boundary: String) {
        self.boundary = boundary
        var parts: [Part] = []
        parts.reserveCapacity(ranges.count)
        var length = 0
        for (index, range) in ranges.enumerated() {
            // The CRLF that ends the previous part's bytes belongs to this delimiter.
            let head = (index == 0 ? "" : "\r\n") + "--" + boundary + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Range: " + Self.contentRange(range, size: size) + "\r\n\r\n"
            parts.append(Part(head: head, range: range))
            length += head.utf8.count + range.count
        }
        self.parts = parts
        self.epilogue = "\r\n--" + boundary + "--\r\n"
        self.contentLength = length + epilogue.utf8.count
    }

    /// `bytes first-last/size` for a non-empty `range`.
    static func contentRange(_ range: Range<Int>, size: Int) -> String {
        "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)"
    }

    /// A fresh boundary: 24 random hex digits after a fixed prefix. RFC 2046 asks that it
    /// not occur in the parts; 96 random bits make that as unlikely as it gets, and, being
    /// unpredictable, a file cannot be crafted to contain it.
    static func makeBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = String(generator.next() as UInt64, radix: 16)
        let low = String(UInt32(truncatingIfNeeded: generator.next() as UInt64), radix: 16)
        return "pronto-" + String(repeating: "0", count: 16 - high.utf8.count) + high
            + String(repeating: "0", count: 8 - low.utf8.count) + low
    }
}
