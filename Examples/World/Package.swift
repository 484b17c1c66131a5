// swift-tools-version: 6.1
// The TechEmpower suite on Pronto (see README.md): its own package, depending on Pronto by
// path, so PostgresNIO and SQLite stay out of the core build.
//   swift run -c release world          # SQLite, created and seeded in a temp file
//   DATABASE_URL=postgres://... swift run -c release world

import PackageDescription

let package = Package(
    name: "World",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "world", targets: ["world"]),
        .library(name: "WorldApp", targets: ["WorldApp"]),
    ],
    dependencies: [
        // Named: a path package is otherwise known by its directory's name (the clone's).
        .package(name: "Pronto", path: "../.."),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "WorldApp",
            dependencies: [
                .product(name: "Pronto", package: "Pronto"),
                .product(name: "ProntoTracing", package: "Pronto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "world",
            dependencies: [
                "WorldApp",
                .product(name: "ProntoTracing", package: "Pronto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "WorldAppTests",
            dependencies: [
                "WorldApp",
                .product(name: "ProntoTesting", package: "Pronto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]
        ),
    ]
)
