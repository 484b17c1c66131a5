#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fails the run when a property does not hold: the message goes to standard error and the
/// process aborts, which libFuzzer reports as a crash and saves the input for
/// (`precondition` would drop the message in an optimised build).
public func check(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    guard !condition() else { return }
    var text = "fuzz check failed at \(file):\(line): \(message())\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    abort()
}

/// Split points for feeding `count` bytes in pieces, derived from the bytes themselves so
/// that a crash reproduces from its input alone: ascending, each in 0...count.
public func cuts(count: Int, seed: UnsafeRawBufferPointer, pieces: Int = 3) -> [Int] {
    guard count > 0 else { return [] }
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
    for byte in seed.prefix(64) {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
    }
    return (0..<pieces).map { i in
        hash = (hash ^ UInt64(i)) &* 0x100_0000_01B3
        return Int(hash % UInt64(count + 1))
    }.sorted()
}

/// Set `FUZZ_TRACE=1` when replaying one input to see each step a driver takes.
public let isTracing = getenv("FUZZ_TRACE") != nil

/// Prints a driver's step when tracing.
public func trace(_ message: @autoclosure () -> String) {
    guard isTracing else { return }
    var text = message() + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }  // unbuffered: a check aborts
}
