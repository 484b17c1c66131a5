/// Finds the first byte that ends or breaks a line: any control character other than
/// HTAB (so CR, LF, NUL, DEL and the rest).
///
/// This is the scan every request line and field line goes through, so it is the parser's
/// hottest loop. The SIMD path tests 16 bytes at a time (Swift's portable `SIMD16<UInt8>`
/// lowers to SSE2 or NEON compares) and finds the hit inside the block from the mask;
/// the scalar path handles the tail and is the reference the SIMD one is tested against.
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
        // Bounds: each load reads bytes i..<i+16, and the loop runs only while i+16 <= end.
        while i &+ 16 <= end {
            let v = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            // Lane-wise tests written with wrapping arithmetic, which the compiler lowers to
            // single vector instructions (psubb, pand, pxor); Swift's SIMD comparison operators
            // are lowered lane by lane today. Each test leaves the lane's high bit set exactly
            // when it holds (lanes are independent, so no borrow crosses bytes):
            //   b < 0x20:  (b - 0x20) & ~b        has bit 7 set iff b < 0x20
            //   x == 0:    (x - 1) & ~x           has bit 7 set iff x == 0
            let less = (v &- 0x20) & ~v
            let tab = v ^ 0x09
            let isTab = (tab &- 1) & ~tab
            let del = v ^ 0x7F
            let isDel = (del &- 1) & ~del
            let hit = ((less & ~isTab) | isDel) & 0x80
            let words = unsafeBitCast(hit, to: SIMD2<UInt64>.self)
            let low = words[0]
            let high = words[1]
            if low | high != 0 {
                #if _endian(little)
                // Bit 7 of byte k is bit 8k+7 of the little-endian word.
                return i &+ (low != 0 ? low.trailingZeroBitCount >> 3 : 8 &+ high.trailingZeroBitCount >> 3)
                #else
                return firstControlScalar(base, from: i, to: end)
                #endif
            }
            i &+= 16
        }
        return firstControlScalar(base, from: i, to: end)
    }
}
