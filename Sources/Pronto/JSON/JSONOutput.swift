import NIOCore

// The encoder's output: raw stores into the writable bytes of the `ByteBuffer` it
// encodes into, behind one capacity check per value. Each write through ByteBuffer's
// own API costs a uniqueness check and a few dynamic exclusivity checks inside NIO
// (about a third of an encode when measured); here they are paid once per refill.
//
// Invariant: between `acquireOutput` and `commitOutput`, the encoder's `buffer` is
// uniquely referenced (it was swapped in from the caller, and the mutable access in
// `acquireOutput` copied it if it was shared), nothing but this encoder touches it,
// and `start ... limit` lies inside its writable bytes. `start` is where the
// buffer's writer index is; `cursor` is the next byte to write. Code that needs
// ByteBuffer's API in between calls `commitOutput` first and `acquireOutput` after.

extension _JSONStreamEncoder {
    /// Points `start`/`cursor`/`limit` at the buffer's writable bytes, growing it to at
    /// least `minimum` writable bytes.
    func acquireOutput(minimum: Int) {
        buffer.reserveCapacity(minimumWritableBytes: Swift.max(minimum, 64))
        let base = buffer.withUnsafeMutableWritableBytes { $0.baseAddress! }
        start = base.assumingMemoryBound(to: UInt8.self)
        cursor = start
        limit = start + buffer.writableBytes
    }

    /// Moves the buffer's writer index past the bytes written since `start`.
    func commitOutput() {
        let written = cursor - start
        if written > 0 { buffer.moveWriterIndex(forwardBy: written) }
        start = cursor
    }

    /// Returns `cursor` with at least `count` bytes free after it, growing the buffer
    /// (at least doubling it) when needed.
    @inline(__always)
    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if limit - cursor < count { grow(count) }
        return cursor
    }

    @inline(never)
    func grow(_ count: Int) {
        commitOutput()
        acquireOutput(minimum: Swift.max(count, buffer.capacity))
    }

    @inline(__always)
    func writeByte(_ byte: UInt8) {
        let out = reserve(1)
        out.pointee = byte
        cursor = out + 1
    }

    @inline(__always)
    func writeStatic(_ text: StaticString) {
        let count = text.utf8CodeUnitCount
        let out = reserve(count)
        out.update(from: text.utf8Start, count: count)
        cursor = out + count
    }

    @inline(__always)
    func writeInteger(magnitude: UInt64, negative: Bool) {
        let out = reserve(21)
        cursor = out + formatJSONInteger(magnitude: magnitude, negative: negative, to: out)
    }

    @inline(__always)
    func writeInteger<T: FixedWidthInteger & SignedInteger>(_ value: T) {
        writeInteger(magnitude: UInt64(truncatingIfNeeded: value.magnitude), negative: value < 0)
    }

    @inline(__always)
    func writeInteger<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        writeInteger(magnitude: UInt64(truncatingIfNeeded: value), negative: false)
    }

    func writeInt128(_ value: Int128) {
        let out = reserve(41)
        cursor = out + formatJSONInteger128(magnitude: value.magnitude, negative: value < 0, to: out)
    }

    func writeUInt128(_ value: UInt128) {
        let out = reserve(41)
        cursor = out + formatJSONInteger128(magnitude: value, negative: false, to: out)
    }

    @inline(__always)
    func writeFiniteDouble(_ value: Double) {
        let out = reserve(32)
        cursor = out + formatJSONDouble(value, to: out)
    }

    @inline(__always)
    func writeFiniteFloat(_ value: Float) {
        let out = reserve(32)
        cursor = out + formatJSONFloat(value, to: out)
    }

    /// Writes `string` as a JSON string literal (see ``writeEscaped(_:)``).
    @inline(__always)
    func writeString(_ string: String) {
        if let done = string.utf8.withContiguousStorageIfAvailable({ writeQuoted(UnsafeRawBufferPointer($0), prefix: 0, suffix: 0) }) {
            return done
        }
        var copy = string
        copy.withUTF8 { writeQuoted(UnsafeRawBufferPointer($0), prefix: 0, suffix: 0) }
    }

    /// Writes an object key: a comma first unless `first`, then the quoted key and a colon.
    @inline(__always)
    func writeKey(_ key: String, first: Bool) {
        let prefix: UInt8 = first ? 0 : UInt8(ascii: ",")
        if let done = key.utf8.withContiguousStorageIfAvailable({
            writeQuoted(UnsafeRawBufferPointer($0), prefix: prefix, suffix: UInt8(ascii: ":"))
        }) {
            return done
        }
        var copy = key
        copy.withUTF8 { writeQuoted(UnsafeRawBufferPointer($0), prefix: prefix, suffix: UInt8(ascii: ":")) }
    }

    /// Writes `prefix` (unless 0), the UTF-8 `bytes` quoted and escaped as Foundation
    /// escapes them (`"`, `\`, `/`, and control characters), then `suffix` (unless 0).
    /// Hot path: a string needing no escape (nearly all) is found so 8 bytes at a time
    /// and copied in one go.
    @inline(__always)
    func writeQuoted(_ bytes: UnsafeRawBufferPointer, prefix: UInt8, suffix: UInt8) {
        let count = bytes.count
        let out = reserve(count &+ 4)
        var position = out
        if prefix != 0 {
            position.pointee = prefix
            position += 1
        }
        position.pointee = UInt8(ascii: "\"")
        position += 1
        let clean = firstByteNeedingEscape(bytes)
        if clean == count {
            if count > 0 { position.update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count) }
            position += count
        } else {
            // Bounds: `out` has count + 4 bytes; the clean prefix fits in them, and the
            // rest goes through `writeEscaped`, which reserves as it goes.
            if clean > 0 { position.update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: clean) }
            cursor = position + clean
            writeEscaped(UnsafeRawBufferPointer(rebasing: bytes[clean...]))
            position = reserve(2)
        }
        position.pointee = UInt8(ascii: "\"")
        position += 1
        if suffix != 0 {
            position.pointee = suffix
            position += 1
        }
        cursor = position
    }

    /// Writes `bytes` escaped, without quotes; the slow path of ``writeQuoted``.
    @inline(never)
    func writeEscaped(_ bytes: UnsafeRawBufferPointer) {
        let hex: StaticString = "0123456789abcdef"
        for byte in bytes {
            let out = reserve(6)
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                out[0] = UInt8(ascii: "\\")
                out[1] = byte
                cursor = out + 2
            case 0x08, 0x09, 0x0A, 0x0C, 0x0D:
                out[0] = UInt8(ascii: "\\")
                switch byte {
                case 0x08: out[1] = UInt8(ascii: "b")
                case 0x09: out[1] = UInt8(ascii: "t")
                case 0x0A: out[1] = UInt8(ascii: "n")
                case 0x0C: out[1] = UInt8(ascii: "f")
                default: out[1] = UInt8(ascii: "r")
                }
                cursor = out + 2
            case 0..<0x20:
                out.update(from: StaticString("\\u00").utf8Start, count: 4)
                out[4] = hex.utf8Start[Int(byte >> 4)]
                out[5] = hex.utf8Start[Int(byte & 0xF)]
                cursor = out + 6
            default:
                out[0] = byte
                cursor = out + 1
            }
        }
    }
}

/// The index of the first byte of `bytes` that JSON (as Foundation writes it) escapes:
/// below 0x20, `"`, `\` or `/`; `bytes.count` if none. Eight bytes at a time: for each
/// test, `(x - 0x01…01 * n) & ~x & 0x80…80` is non-zero exactly when some byte of `x` is
/// below `n` (n ≤ 0x80), and a byte equals `c` exactly when `x ^ (0x01…01 * c)` has a
/// zero byte (below 1).
@inline(__always)
func firstByteNeedingEscape(_ bytes: UnsafeRawBufferPointer) -> Int {
    let count = bytes.count
    guard let base = bytes.baseAddress else { return 0 }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    var index = 0
    // Bounds: each load reads bytes index ..< index + 8, and index + 8 <= count.
    while index &+ 8 <= count {
        let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let slash = word ^ (ones &* 0x2F)
        let hits =
            ((word &- ones &* 0x20) & ~word)
            | ((quote &- ones) & ~quote)
            | ((backslash &- ones) & ~backslash)
            | ((slash &- ones) & ~slash)
        if hits & highs != 0 { break }
        index &+= 8
    }
    while index < count {
        let byte = base.load(fromByteOffset: index, as: UInt8.self)
        if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") {
            return index
        }
        index &+= 1
    }
    return count
}
