// swift-tools-version: 6.1
// libFuzzer targets for Pronto's parsers, state machine, router and codecs: their own
// package, depending on Pronto by path, so the sanitizer flags never reach the main build.
// Build and run them with scripts/fuzz.sh (README.md § Fuzzing), which builds with
//   swift build --package-path Fuzz -c release --toolset <lld> \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
// `--toolset`: links with the toolchain's lld (the system's gold fails on libFuzzer with
// AddressSanitizer). `-enable-testing`: the state machine, the WebSocket codec and the form
// parsers are internal to their modules and reached with `@testable import`.

import PackageDescription

/// One executable per fuzz target: its `main.swift` hands its test to libFuzzer
/// (`runFuzzer`); `-sanitize=fuzzer` links libFuzzer and instruments every module.
func fuzzer(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies)
}

let package = Package(
    name: "ProntoFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named: a path package is otherwise known by its directory's name (the clone's).
        .package(name: "Pronto", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"]),
        fuzzer("RequestParserFuzzer", [.product(name: "ProntoHTTP", package: "Pronto")]),
        fuzzer("ChunkedDecoderFuzzer", [.product(name: "ProntoHTTP", package: "Pronto")]),
        fuzzer("ConnectionFuzzer", [.product(name: "ProntoCore", package: "Pronto")]),
        fuzzer("RouterFuzzer", [.product(name: "Pronto", package: "Pronto")]),
        fuzzer("JSONFuzzer", [.product(name: "Pronto", package: "Pronto"), .product(name: "NIOCore", package: "swift-nio")]),
        fuzzer("WebSocketFrameFuzzer", [
            .product(name: "Pronto", package: "Pronto"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        fuzzer("UTF8Fuzzer", [.product(name: "Pronto", package: "Pronto")]),
        fuzzer("URLEncodedFormFuzzer", [.product(name: "Pronto", package: "Pronto"), .product(name: "NIOCore", package: "swift-nio")]),
        fuzzer("MultipartFuzzer", [.product(name: "Pronto", package: "Pronto"), .product(name: "NIOCore", package: "swift-nio")]),
    ]
)
