/// A half-open range of byte offsets into the buffer a request head was parsed from.
///
/// Offsets are relative to the first byte of the request head, so a head stays valid
/// when the bytes move (as long as they move together). 32-bit offsets keep
/// ``HeaderField`` at 16 bytes; a head can never approach 4 GiB because of ``HTTPLimits``.
public struct ByteRange: Sendable, Hashable {
    public var lowerBound: UInt32
    public var upperBound: UInt32

    @inlinable
    public init(_ lowerBound: Int, _ upperBound: Int) {
        self.lowerBound = UInt32(truncatingIfNeeded: lowerBound)
        self.upperBound = UInt32(truncatingIfNeeded: upperBound)
    }

    public static let empty = ByteRange(0, 0)

    @inlinable public var count: Int { Int(upperBound &- lowerBound) }
    @inlinable public var isEmpty: Bool { lowerBound == upperBound }
    @inlinable public var range: Range<Int> { Int(lowerBound)..<Int(upperBound) }
}
