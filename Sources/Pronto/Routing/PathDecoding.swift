/// Percent-decoding of path bytes (RFC 3986 §2.1), done only where a `%` is.
///
/// - `%XX` (two hex digits, either case) is the byte XX. `%2F` is a `/` *in the data*: the
///   router splits a path on its raw `/` bytes first, so `%2F` never separates segments.
/// - A `%` not followed by two hex digits is kept as it is (lenient, like most servers).
/// - `+` is a `+` (form encoding's space is for queries, not paths).
/// - Decoded bytes that are not UTF-8 become U+FFFD in a `String`.
enum PathDecoding {
    /// The value of a hex digit, or 0xFF.
    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b &- UInt8(ascii: "A") &+ 10
        default: 0xFF
        }
    }

    /// The byte at `i` decoded and the index after it. Requires `i < end`; reads at most
    /// `p[i + 2]`, and only when `i + 2 < end`.
    @inline(__always)
    static func decodedByte(_ p: UnsafeRawPointer, _ i: Int, _ end: Int) -> (byte: UInt8, next: Int) {
        let b = p.load(fromByteOffset: i, as: UInt8.self)
        if b == UInt8(ascii: "%"), i &+ 2 < end {
            let hi = hexValue(p.load(fromByteOffset: i &+ 1, as: UInt8.self))
            let lo = hexValue(p.load(fromByteOffset: i &+ 2, as: UInt8.self))
            if hi < 16, lo < 16 { return (hi << 4 | lo, i &+ 3) }
        }
        return (b, i &+ 1)
    }

    /// Whether `p[start..<end]`, decoded, is exactly `label`.
    @inline(__always)
    static func decodedEquals(_ p: UnsafeRawPointer, _ start: Int, _ end: Int, _ label: UnsafeRawPointer, _ labelCount: Int) -> Bool {
        var i = start
        var j = 0
        while i < end {
            guard j < labelCount else { return false }
            let (byte, next) = decodedByte(p, i, end)
            if byte != label.load(fromByteOffset: j, as: UInt8.self) { return false }
            i = next
            j &+= 1
        }
        return j == labelCount
    }

    /// Whether any byte of `p[start..<end]` is `%`.
    @inline(__always)
    static func containsPercent(_ p: UnsafeRawPointer, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end {
            if p.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "%") { return true }
            i &+= 1
        }
        return false
    }

    /// `bytes` decoded into a `String`: made straight from the bytes when there is no `%`
    /// (no heap allocation up to 15 UTF-8 bytes, Swift's small-string size).
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return "" }
        guard containsPercent(p, 0, bytes.count) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        // Decoding never lengthens: `count` bytes of capacity are enough. Invalid UTF-8 is
        // repaired by the initializer.
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            var i = 0
            var n = 0
            while i < bytes.count {
                let (byte, next) = decodedByte(p, i, bytes.count)
                out[n] = byte
                n &+= 1
                i = next
            }
            return n
        }
    }
}
