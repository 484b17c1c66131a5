// swift-tools-version: 6.1
// Micro benchmarks of Pronto's wire format (parser, encoder, chunked decoder), with
// ordo-one's package-benchmark. Kept apart from the Pronto package so that its
// dependencies stay out of Pronto's graph. See ../README.md ("Micro benchmarks").
//
//   swift package --package-path Benchmarks/Micro benchmark

import PackageDescription

let package = Package(
    name: "ProntoMicroBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named: a path package is otherwise known by its directory's name (the clone's).
        .package(name: "Pronto", path: "../.."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Only the MallocInterposer trait: exact malloc counts without jemalloc, and
        // without the Linux 6.3 ARC runtime interposer (RuntimeInterposer, a default trait).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ProntoMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Pronto", package: "Pronto"),
                .product(name: "ProntoHTTP", package: "Pronto"),
                .product(name: "ProntoHTTPTypes", package: "Pronto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Benchmarks/ProntoMicro",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
