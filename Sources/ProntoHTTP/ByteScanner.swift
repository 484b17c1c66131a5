/// Finds the first byte that ends or breaks a line: any control character other than
/// HTAB (so CR, LF, NUL, DEL and the rest).
///
/// This is the scan every request line and field line goes through, so it is the parser's
/// hottest loop. The SIMD path tests 32 bytes at a time (Swift's portable `SIMD32<UInt8>`
/// lowers to SSE2/AVX2 or NEON compares) and hands the block that contains a hit to the
/// scalar loop; the scalar path is the reference the SIMD one is tested against.
public enum ByteScanner: Sendable {
    case simd
    case scalar

    /// The offset of the first control byte (not HTAB) in `start..<end`, or `end` if none.
    ///
    /// - Precondition: `base` is valid for reads of `end` bytes.
    @inlinable
    public func firstControl(_ base: UnsafeRawPointer, from start: Int, to end: Int) -> Int {
        switch self {
        case .simd: return Self.firstControlSIMD(base, from: start, to: end)
        case .scalar: return Self.firstControlScalar(base, from: start, to: end)
        }
    }

    @inlinable
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != .tab) || byte == 0x7F
    }

    @inlinable
    static func firstControlScalar(_ base: UnsafeRawPointer, from start: Int, to end: Int) -> Int {
        var i = start
        while i < end {
            if isControl(base.load(fromByteOffset: i, as: UInt8.self)) { return i }
            i &+= 1
        }
        return end
    }

    @inlinable
    static func firstControlSIMD(_ base: UnsafeRawPointer, from start: Int, to end: Int) -> Int {
        var i = start
        // Bounds: each load reads bytes i..<i+32, and the loop runs only while i+32 <= end.
        while i &+ 32 <= end {
            let v = base.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
            let hit = ((v .< 0x20) .& (v .!= 0x09)) .| (v .== 0x7F)
            if any(hit) { break }
            i &+= 32
        }
        if i &+ 16 <= end {
            let v = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let hit = ((v .< 0x20) .& (v .!= 0x09)) .| (v .== 0x7F)
            if !any(hit) { i &+= 16 }
        }
        return firstControlScalar(base, from: i, to: end)
    }
}
