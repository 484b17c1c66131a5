import CProntoSIMD

/// Finds the first byte that ends or breaks a line: any control character other than
/// HTAB (so CR, LF, NUL, DEL and the rest).
///
/// This is the scan every request line and field line goes through, so it is the parser's
/// hottest loop. The SIMD path tests 16 bytes at a time (SSE2 through CProntoSIMD's inlined
/// classifiers) and finds the hit inside the block from the byte mask;
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

    @usableFromInline
    static func firstControlSIMD(_ base: UnsafeRawPointer, from start: Int, to end: Int) -> Int {
        var i = start
        // Bounds: each mask reads bytes i..<i+16, and the loop runs only while i+16 <= end.
        // The mask is SSE2's pcmpeqb/pminub and one pmovmskb (CProntoSIMD), inlined here.
        while i &+ 16 <= end {
            let mask = pronto_control_mask16(base + i)
            if mask != 0 { return i &+ mask.trailingZeroBitCount }
            i &+= 16
        }
        return firstControlScalar(base, from: i, to: end)
    }
}
