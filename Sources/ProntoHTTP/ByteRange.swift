/// A half-open range of byte offsets into the buffer a request head was parsed from.
///
/// Offsets are relative to the first byte of the request head, so a head stays valid
/// when the bytes move (as long as they move together). 32-bit offsets keep
/// ``HeaderField`` at 16 bytes; a head can never approach 4 GiB because of ``HTTPLimits``.
public struct ByteRange: Sendable, Hashable {
    /// The offset of the first byte.
    public var lowerBound: UInt32
    /// The offset past the last byte.
    public var upperBound: UInt32

    /// The bytes from `lowerBound` up to (not including) `upperBound`.
    @inlinable
    public init(_ lowerBound: Int, _ upperBound: Int) {
        self.lowerBound = UInt32(truncatingIfNeeded: lowerBound)
        self.upperBound = UInt32(truncatingIfNeeded: upperBound)
    }

    /// No bytes.
    public static let empty = ByteRange(0, 0)

    /// The number of bytes.
    @inlinable public var count: Int { Int(upperBound &- lowerBound) }
    /// True for no bytes.
    @inlinable public var isEmpty: Bool { lowerBound == upperBound }
    /// The same bytes as a `Range<Int>`.
    @inlinable public var range: Range<Int> { Int(lowerBound)..<Int(upperBound) }
}
