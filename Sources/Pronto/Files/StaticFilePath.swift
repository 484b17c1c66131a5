/// The part of a request path below a static-files mount, checked and decoded into a path
/// relative to the root directory, or refused.
///
/// This is the lexical half of keeping requests inside the root: it works on the raw bytes
/// the client sent, before anything touches the file system. (The other half,
/// ``StaticFileSystem``, resolves symlinks with `realpath` and checks the result is still
/// under the root.) Every segment is percent-decoded once and refused when the decoded bytes
/// could name something other than one file name in one directory:
/// - `..` and `.` (also written `%2e%2e`, `.%2E`…): a parent or the same directory;
/// - a `/` or `\` inside a segment (`%2f`, `%5c`) or a raw `\`: a separator hidden from the
///   router, or Windows' separator;
/// - NUL (`%00`) and other control bytes: C APIs stop at NUL, so `a.png%00.txt` would open
///   `a.png`;
/// - an empty segment other than the last (`a//b`, and a leading `/`: an absolute path);
/// - a hidden name (`.env`, `.git`) unless the options allow hidden files.
/// Refusing instead of normalising is deliberate: a browser never sends these forms, so a
/// request that does is a probe, and a 404 tells it nothing.
struct StaticFilePath: Equatable, Sendable {
    /// The decoded path relative to the root, segments joined by `/`; empty for the root
    /// itself. Bytes, not a `String`: file names need not be UTF-8, and a `String` would
    /// replace such bytes and name another file.
    let relative: [UInt8]
    /// Whether the request path ended with `/` (asks for a directory). A directory asked
    /// without it is redirected to the slash form, so that relative links in its index work.
    let trailingSlash: Bool

    /// The longest relative path accepted, in decoded bytes: below Linux's `PATH_MAX` (4096)
    /// with room for the root in front, so a long request is a 404, never `ENAMETOOLONG`.
    static let maxLength = 2048

    /// Checks and decodes `raw`, the path below the mount as received (no leading `/`,
    /// percent-encoded, without the query). Returns nil when it must be refused.
    static func resolve(_ raw: UnsafeRawBufferPointer, allowHidden: Bool) -> StaticFilePath? {
        if raw.isEmpty { return StaticFilePath(relative: [], trailingSlash: true) }
        guard raw.count <= maxLength * 3 else { return nil }
        var relative: [UInt8] = []
        relative.reserveCapacity(raw.count)
        var segmentStart = 0
        var trailingSlash = false
        while segmentStart <= raw.count {
            var end = segmentStart
            while end < raw.count, raw[end] != UInt8(ascii: "/") { end += 1 }
            let isLast = end == raw.count
            if segmentStart == end {
                // An empty segment: only a trailing slash may make one.
                guard isLast, segmentStart > 0 else { return nil }
                trailingSlash = true
                break
            }
            if !relative.isEmpty { relative.append(UInt8(ascii: "/")) }
            let nameStart = relative.count
            guard decodeSegment(raw, segmentStart, end, into: &relative) else { return nil }
            guard isAcceptableName(relative[nameStart...], allowHidden: allowHidden) else { return nil }
            if isLast { break }
            segmentStart = end + 1
        }
        guard relative.count <= maxLength else { return nil }
        return StaticFilePath(relative: relative, trailingSlash: trailingSlash)
    }

    /// Appends `raw[start..<end]` percent-decoded to `out`; false for a byte no file name
    /// may have (decoded `/`, any `\`, NUL and the other control bytes).
    private static func decodeSegment(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, into out: inout [UInt8]) -> Bool {
        guard let base = raw.baseAddress else { return false }
        var i = start
        while i < end {
            let (byte, next) = PathDecoding.decodedByte(base, i, end)
            switch byte {
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), 0..<0x20, 0x7F: return false
            default: out.append(byte)
            }
            i = next
        }
        return true
    }

    /// False for `.` and `..`, and for a hidden name unless allowed.
    private static func isAcceptableName(_ name: ArraySlice<UInt8>, allowHidden: Bool) -> Bool {
        guard name.first == UInt8(ascii: ".") else { return true }
        if name.count == 1 { return false }
        if name.count == 2, name.last == UInt8(ascii: ".") { return false }
        return allowHidden
    }
}
