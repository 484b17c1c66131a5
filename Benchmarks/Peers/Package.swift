// swift-tools-version:6.1
// Peer servers for Pronto's macro benchmarks (see ../README.md).
// Built separately from the Pronto package:
//   swift build -c release --package-path Benchmarks/Peers

import PackageDescription

let package = Package(
    name: "ProntoBenchmarkPeers",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "nio-http1", targets: ["nio-http1"]),
        .executable(name: "nio-floor", targets: ["nio-floor"]),
        .executable(name: "hummingbird", targets: ["hummingbird"]),
        .executable(name: "hummingbird-websocket", targets: ["hummingbird-websocket"]),
        .executable(name: "openapi-hummingbird", targets: ["openapi-hummingbird"]),
        .executable(name: "hummingbird-http2", targets: ["hummingbird-http2"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        // The OpenAPI example's generated handlers (its GreetingsAPI target needs only the runtime).
        .package(name: "OpenAPIExample", path: "../../Examples/OpenAPI"),
    ],
    targets: [
        .executableTarget(
            name: "nio-http1",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/nio-http1"
        ),
        // SwiftNIO's own limit: canned answers counted by request ends, beside limit.c.
        .executableTarget(
            name: "nio-floor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/nio-floor"
        ),
        .executableTarget(
            name: "hummingbird",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/hummingbird"
        ),
        .executableTarget(
            name: "hummingbird-http2",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/hummingbird-http2"
        ),
        .executableTarget(
            name: "hummingbird-websocket",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/hummingbird-websocket"
        ),
        // The OpenAPI example's handlers on Hummingbird, beside Pronto's transport.
        .executableTarget(
            name: "openapi-hummingbird",
            dependencies: [
                .product(name: "GreetingsAPI", package: "OpenAPIExample"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/openapi-hummingbird"
        ),
    ]
)
