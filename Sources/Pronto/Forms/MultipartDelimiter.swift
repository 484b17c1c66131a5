#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The delimiter between the parts of a multipart body, `CRLF "--" boundary` (RFC 2046
/// §5.1.1), and the search for it.
///
/// The search is linear in the bytes scanned, whatever they hold: `memchr` finds each CR,
/// and only there are the bytes compared with the delimiter. A boundary is made of
/// RFC 2046 `bchars` (checked by ``init(boundary:)``), so the delimiter holds no CR after
/// its first byte: a comparison that matched `k` bytes from a CR covered no other CR, and
/// the next `memchr` starts past them. No byte is compared twice beyond the one word a
/// failed `memcmp` may read ahead.
struct MultipartDelimiter: Sendable {
    /// Where the delimiter is in the bytes searched.
    enum Match: Equatable {
        /// It starts at this offset, whole.
        case found(Int)
        /// The bytes from this offset to the end are its beginning: the rest may come with
        /// the next buffer (the delimiter straddles two reads), so they must be kept.
        case partial(Int)
        /// It is not there, not even begun at the end: every byte is content.
        case none
    }

    /// `\r\n--` followed by the boundary.
    let bytes: [UInt8]
    let boundary: String

    /// The delimiter of `boundary`, or nil when the boundary is not 1 to 70 `bchars`
    /// ending with something other than a space (RFC 2046 §5.1.1).
    init?(boundary: String) {
        let utf8 = Array(boundary.utf8)
        guard (1...70).contains(utf8.count), utf8.last != UInt8(ascii: " "), utf8.allSatisfy(Self.isBoundaryCharacter) else { return nil }
        self.boundary = boundary
        bytes = Array("\r\n--".utf8) + utf8
    }

    /// `bchars`: digits, letters, `'()+_,-./:=?` and space.
    static func isBoundaryCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: "'()+_,-./:=? ".utf8.contains(byte)
        }
    }

    /// Finds the first delimiter, or the beginning of one at the end, in `haystack`.
    func search(in haystack: UnsafeRawBufferPointer) -> Match {
        guard let base = haystack.baseAddress, !haystack.isEmpty else { return .none }
        return bytes.withUnsafeBytes { delimiter in
            var from = 0
            while from < haystack.count {
                // memchr reads base[from..<count], inside the buffer since from < count.
                guard let hit = memchr(base + from, Int32(UInt8(ascii: "\r")), haystack.count - from) else { return .none }
                let offset = UnsafeRawPointer(hit) - base
                // Compares at most the bytes left in the haystack (offset < count) and at
                // most the delimiter's length: both reads stay in bounds.
                let length = min(haystack.count - offset, delimiter.count)
                if memcmp(hit, delimiter.baseAddress!, length) == 0 {
                    return length == delimiter.count ? .found(offset) : .partial(offset)
                }
                from = offset + 1
            }
            return .none
        }
    }
}
