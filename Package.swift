// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Pronto",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ProntoHTTP", targets: ["ProntoHTTP"]),
        .library(name: "Pronto", targets: ["Pronto"]),
        .library(name: "ProntoTesting", targets: ["ProntoTesting"]),
        .executable(name: "hello", targets: ["hello"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Wire format only: no NIO, so it can be fuzzed and benchmarked alone.
        .target(name: "ProntoHTTP"),
        .target(
            name: "Pronto",
            dependencies: [
                "ProntoHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ProntoTesting",
            dependencies: [
                "Pronto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "hello",
            dependencies: [
                "Pronto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/hello"
        ),
        .testTarget(
            name: "ProntoHTTPTests",
            dependencies: [
                "ProntoHTTP",
                // The oracle compares our parser with NIO's llhttp-based decoder, in tests only.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ProntoTests",
            dependencies: [
                "Pronto", "ProntoTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)
