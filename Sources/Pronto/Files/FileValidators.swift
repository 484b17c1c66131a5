/// What the file system says about a file, as far as serving it needs.
struct FileMetadata: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case regular, directory, other
    }

    var kind: Kind
    var size: Int
    /// Modification time: seconds and nanoseconds since the epoch.
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int
    var inode: UInt64
}

/// The validators of a file's representation (RFC 9110 §8.8): its `ETag` and its
/// `Last-Modified` date.
///
/// The entity tag is made of size, modification time in nanoseconds and inode, so it
/// changes whenever the file is rewritten or replaced (an atomic rename gives a new
/// inode), without reading the file: `"<size>-<mtime ns>-<inode>"` in hex, with `-br` or
/// `-gz` appended for a precompressed representation so that each encoding has its own
/// tag, as RFC 9110 §8.8.3.3 asks. It is sent as a strong tag: a file with the same size,
/// nanosecond mtime and inode has, for practical purposes, the same bytes (the same trade
/// nginx and Apache make; they leave out the nanoseconds or the inode, we keep both).
struct FileValidators: Equatable, Sendable {
    /// The `ETag` header value, quotes included.
    let entityTag: String
    /// `Last-Modified` as an epoch second (HTTP dates have no finer precision).
    let lastModified: Int

    init(_ metadata: FileMetadata, encoding: ContentCoding? = nil) {
        let nanoseconds = metadata.modifiedSeconds &* 1_000_000_000 &+ metadata.modifiedNanoseconds
        var tag = "\""
        tag += String(UInt64(truncatingIfNeeded: metadata.size), radix: 16)
        tag += "-"
        tag += String(UInt64(truncatingIfNeeded: nanoseconds), radix: 16)
        tag += "-"
        tag += String(metadata.inode, radix: 16)
        if let encoding { tag += "-" + encoding.tagSuffix }
        tag += "\""
        self.entityTag = tag
        self.lastModified = metadata.modifiedSeconds
    }

    /// The `Last-Modified` header value (IMF-fixdate).
    var lastModifiedHeader: String { HTTPDate.string(lastModified) }
}

/// Entity-tag comparison against the lists of `If-Match` and `If-None-Match`
/// (RFC 9110 §8.8.3.2, §13.1.1, §13.1.2).
enum EntityTagMatching {
    /// Whether `list` (a header value: `*`, or comma-separated `"x"` and `W/"x"`) has a tag
    /// that matches `tag` (ours, strong, quotes included). `*` matches any tag: the file
    /// exists. `weak` selects the weak comparison (`W/` ignored, for If-None-Match) instead
    /// of the strong one (a weak tag never matches, for If-Match and If-Range). An element
    /// that is not a valid entity-tag matches nothing.
    static func list(_ list: String, contains tag: String, weak: Bool) -> Bool {
        var bytes = Substring(list).utf8[...]
        let target = tag.utf8
        while true {
            // Skip separators and whitespace between elements.
            while let b = bytes.first, b == UInt8(ascii: ",") || b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") {
                bytes = bytes.dropFirst()
            }
            guard let first = bytes.first else { return false }
            if first == UInt8(ascii: "*") {
                let rest = bytes.dropFirst().drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                if rest.isEmpty || rest.first == UInt8(ascii: ",") { return true }
            }
            var isWeak = false
            if bytes.starts(with: "W/".utf8) {
                isWeak = true
                bytes = bytes.dropFirst(2)
            }
            guard bytes.first == UInt8(ascii: "\"") else {
                // Not an entity-tag: skip to the next element.
                guard let comma = bytes.firstIndex(of: UInt8(ascii: ",")) else { return false }
                bytes = bytes[comma...]
                continue
            }
            guard let close = bytes.dropFirst().firstIndex(of: UInt8(ascii: "\"")) else { return false }
            let element = bytes[...close]  // quotes included
            if (weak || !isWeak), element.elementsEqual(target) { return true }
            bytes = bytes[bytes.index(after: close)...]
        }
    }

    /// Whether an `If-Range` value is an entity-tag (as opposed to a date).
    static func isEntityTag(_ value: String) -> Bool {
        value.hasPrefix("\"") || value.hasPrefix("W/")
    }
}
