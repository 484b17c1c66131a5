/// The fuzzer's bytes read as a sequence of choices, front to back (as LLVM's
/// `FuzzedDataProvider` does): a driver asks for a byte, a number in a range, a flag or a
/// run of bytes, and gets zeros once the input is used up, so every input is a valid
/// program and a mutation of one byte changes one decision.
public struct FuzzInput {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var position = 0

    /// Reads `size` bytes at `data` (libFuzzer's input: exactly that many bytes are
    /// allocated, so AddressSanitizer sees a read past them).
    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = UnsafeRawBufferPointer(start: data, count: size)
    }

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    public var isAtEnd: Bool { position >= bytes.count }
    public var remainingCount: Int { bytes.count - position }

    /// The next byte, 0 when none is left.
    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func bool() -> Bool { byte() & 1 == 1 }

    /// A number in `range`, from as many bytes as the range needs (at most 8).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
        guard span > 0 else { return range.lowerBound }
        var value: UInt64 = 0
        var covered: UInt64 = 0
        while covered < span {
            value = value << 8 | UInt64(byte())
            covered = covered << 8 | 0xFF
        }
        // span < UInt64.max here, so span + 1 does not overflow.
        return range.lowerBound &+ Int(truncatingIfNeeded: value % (span &+ 1))
    }

    public mutating func uint64() -> UInt64 {
        (0..<8).reduce(0) { value, _ in value << 8 | UInt64(byte()) }
    }

    /// The next `count` bytes, fewer when the input ends first.
    public mutating func take(_ count: Int) -> UnsafeRawBufferPointer {
        let end = min(bytes.count, position + max(0, count))
        defer { position = end }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<end])
    }

    /// A run of bytes whose length is read first (0 to `maxCount`).
    public mutating func run(maxCount: Int) -> [UInt8] {
        Array(take(int(in: 0...maxCount)))
    }

    /// Everything not read yet.
    public mutating func rest() -> UnsafeRawBufferPointer { take(remainingCount) }
}
