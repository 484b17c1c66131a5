// Numbers formatted into bytes the encoder reserved in its output buffer, exactly as Foundation's
// `JSONEncoder` formats them: integers in decimal, floating-point values as Swift's
// `description` (the shortest digits that round-trip) without a trailing ".0".

/// The Swift runtime's shortest round-trip formatter behind `Double.description` and
/// `Float.description`, declared as the standard library declares it (`internal`, in its
/// interface). It writes into a caller's buffer, so a number costs no `String`;
/// `debug: false` selects `description`'s form. Being private to the runtime, it is
/// checked once against `description` (`runtimeFormatterIsExact`), and the JSON tests
/// compare the two over many random values.
@_silgen_name("swift_float64ToString")
func _prontoFloat64ToString(
    _ buffer: UnsafeMutablePointer<UInt8>, _ bufferLength: UInt, _ value: Float64, _ debug: Bool
) -> UInt64

@_silgen_name("swift_float32ToString")
func _prontoFloat32ToString(
    _ buffer: UnsafeMutablePointer<UInt8>, _ bufferLength: UInt, _ value: Float32, _ debug: Bool
) -> UInt64

/// "00" "01" … "99": two digits per table lookup.
private let decimalPairs: StaticString = """
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899
    """

/// Decimal digits of `value` (1 for 0).
@inline(__always)
private func decimalDigitCount(_ value: UInt64) -> Int {
    var count = 1
    var threshold: UInt64 = 10
    while value >= threshold {
        count &+= 1
        if count == 20 { break }  // 10^20 does not fit: 20 is the most a UInt64 has
        threshold &*= 10
    }
    return count
}

/// Writes the `count` digits of `value` ending just before `end`, two at a time.
/// Bounds: the caller reserved `count` bytes before `end`, and `count` is the exact
/// digit count of `value`, so every store lands in `end - count ..< end`.
@inline(__always)
private func writeDigits(_ value: UInt64, count: Int, endingAt end: UnsafeMutablePointer<UInt8>) {
    var value = value
    var position = end
    let pairs = decimalPairs.utf8Start
    while value >= 100 {
        let pair = Int(value % 100) &* 2
        value /= 100
        position -= 2
        position[0] = pairs[pair]
        position[1] = pairs[pair &+ 1]
    }
    if value >= 10 {
        let pair = Int(value) &* 2
        position -= 2
        position[0] = pairs[pair]
        position[1] = pairs[pair &+ 1]
    } else {
        position -= 1
        position[0] = UInt8(truncatingIfNeeded: value) &+ UInt8(ascii: "0")
    }
}

/// Writes `magnitude` in decimal at `out`, preceded by `-` when `negative`; returns
/// the bytes written. Bounds: the caller provides at least 21 bytes.
@inline(__always)
func formatJSONInteger(magnitude: UInt64, negative: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
    let digits = decimalDigitCount(magnitude)
    if negative { out[0] = UInt8(ascii: "-") }
    let total = digits &+ (negative ? 1 : 0)
    writeDigits(magnitude, count: digits, endingAt: out + total)
    return total
}

/// Writes `value` (at most 39 digits and a sign) at `out`; returns the bytes written.
/// Bounds: the caller provides at least 41 bytes. Rare, so plain code: chunks of 19.
func formatJSONInteger128(magnitude: UInt128, negative: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
    if magnitude <= UInt128(UInt64.max) {
        return formatJSONInteger(magnitude: UInt64(magnitude), negative: negative, to: out)
    }
    let chunk: UInt128 = 10_000_000_000_000_000_000  // 10^19
    let low = UInt64(magnitude % chunk)
    let middle = UInt64((magnitude / chunk) % chunk)
    let high = UInt64(magnitude / chunk / chunk)  // < 10^1: UInt128.max has 39 digits
    var length = 0
    if negative {
        out[0] = UInt8(ascii: "-")
        length = 1
    }
    if high != 0 {
        length &+= formatJSONInteger(magnitude: high, negative: false, to: out + length)
        writeDigitsPadded(middle, to: out + length)
        length &+= 19
    } else {
        length &+= formatJSONInteger(magnitude: middle, negative: false, to: out + length)
    }
    writeDigitsPadded(low, to: out + length)
    return length &+ 19
}

/// Exactly 19 digits, zero-padded on the left.
private func writeDigitsPadded(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) {
    let digits = decimalDigitCount(value)
    out.initialize(repeating: UInt8(ascii: "0"), count: 19 &- digits)
    writeDigits(value, count: digits, endingAt: out + 19)
}

/// Writes a finite `Double` at `out` as Foundation does (`description` without a
/// trailing ".0"); returns the bytes written. Bounds: the caller provides 32 bytes,
/// the most SwiftDtoa needs for a Float64 (the standard library's own buffer size).
@inline(__always)
func formatJSONDouble(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
    guard runtimeFormatterIsExact else { return copyDescription(value.description, to: out) }
    // The formatter leaves some "0" digits unwritten, expecting a buffer filled with "0"
    // as the standard library's is.
    out.initialize(repeating: UInt8(ascii: "0"), count: 32)
    return stripPointZero(out, Int(_prontoFloat64ToString(out, 32, value, false)))
}

/// `formatJSONDouble` for a `Float`; the same 32 bytes.
@inline(__always)
func formatJSONFloat(_ value: Float, to out: UnsafeMutablePointer<UInt8>) -> Int {
    guard runtimeFormatterIsExact else { return copyDescription(value.description, to: out) }
    out.initialize(repeating: UInt8(ascii: "0"), count: 32)
    return stripPointZero(out, Int(_prontoFloat32ToString(out, 32, value, false)))
}

/// The slow path: a `description` (at most 32 bytes for a Float64 or Float32).
private func copyDescription(_ description: String, to out: UnsafeMutablePointer<UInt8>) -> Int {
    var length = 0
    for byte in description.utf8.prefix(32) {
        out[length] = byte
        length &+= 1
    }
    return stripPointZero(out, length)
}

/// Whether the runtime formatter, called as above, writes exactly what `description`
/// does. Checked once per process on values that exercise every form (zeros inside and
/// at the end, exponents, subnormals): the formatter is a private runtime entry point,
/// so a runtime that changes its contract makes the encoder use `description` (slower,
/// still exact) instead of writing wrong digits.
let runtimeFormatterIsExact: Bool = {
    let doubles: [Double] = [
        0, -0.0, 1, 100, 1005, -12_535_591, 0.1, 0.3333, 1e-7, 1e21, 1e16, 9_007_199_254_740_992, 1.0 / 3,
        .greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, 123_456.789, 2.5e-5, 1e100,
    ]
    let floats: [Float] = [0, -0.0, 1, 100, 0.1, 1e-7, 1e21, 16_777_216, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 1.0 / 3]
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
    defer { buffer.deallocate() }
    func matches(_ length: UInt64, _ description: String) -> Bool {
        String(decoding: UnsafeBufferPointer(start: buffer, count: Int(length)), as: UTF8.self) == description
    }
    for value in doubles {
        buffer.initialize(repeating: UInt8(ascii: "0"), count: 32)
        guard matches(_prontoFloat64ToString(buffer, 32, value, false), value.description) else { return false }
    }
    for value in floats {
        buffer.initialize(repeating: UInt8(ascii: "0"), count: 32)
        guard matches(_prontoFloat32ToString(buffer, 32, value, false), value.description) else { return false }
    }
    return true
}()

/// Foundation drops a trailing ".0" ("1.0" → "1", "-0.0" → "-0"); returns the length kept.
@inline(__always)
private func stripPointZero(_ base: UnsafeMutablePointer<UInt8>, _ length: Int) -> Int {
    if length >= 2, base[length &- 1] == UInt8(ascii: "0"), base[length &- 2] == UInt8(ascii: ".") {
        return length &- 2
    }
    return length
}
