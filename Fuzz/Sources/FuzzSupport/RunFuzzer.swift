import CFuzzDriver

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The body of the fuzz target this process runs (one per executable, set once by `main`).
nonisolated(unsafe) private var fuzzBody: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer with `body` as the fuzz target and exits with libFuzzer's status: the
/// program's command-line arguments are libFuzzer's (a corpus directory, `-runs=`, ...).
///
/// A target's own `main.swift` calls this: SwiftPM renames an executable's `main` and
/// links it as the entry point, so libFuzzer's own `main` cannot be used, and
/// `LLVMFuzzerRunDriver` is libFuzzer's way of being called from a program's main.
public func runFuzzer(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    fuzzBody = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzBody!(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
    exit(status)
}
