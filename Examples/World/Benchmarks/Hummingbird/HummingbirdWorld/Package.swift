// swift-tools-version:6.1
// The World example's Hummingbird 2 + PostgresNIO benchmark peer (TechEmpower's six tests).
// Its own package, so Hummingbird stays out of the World build. It sits one folder down
// because a root package in a folder named Hummingbird would take the identity
// "hummingbird" and shadow the hummingbird dependency.
//   swift build -c release --package-path Examples/World/Benchmarks/Hummingbird/HummingbirdWorld

import PackageDescription

let package = Package(
    name: "HummingbirdWorld",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hummingbird-world", targets: ["hummingbird-world"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "hummingbird-world",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/hummingbird-world"
        ),
    ]
)
