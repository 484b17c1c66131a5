// swift-tools-version: 6.1
// The OpenAPI example: a Greetings API (openapi.yaml) generated with swift-openapi-generator
// and served by Pronto through ProntoOpenAPI. Its own package, depending on Pronto by path.
// The generated code is committed (Sources/GreetingsAPI/Generated, made by
// scripts/generate.sh), so building needs the runtime only, not the generator.
//   swift run -c release greetings      # http://127.0.0.1:8080/greet/ada?style=excited

import PackageDescription

let package = Package(
    name: "OpenAPIExample",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "greetings", targets: ["greetings"]),
        .library(name: "GreetingsAPI", targets: ["GreetingsAPI"]),
        .library(name: "GreetingsServer", targets: ["GreetingsServer"]),
    ],
    dependencies: [
        // Named: a path package is otherwise known by its directory's name (the clone's).
        .package(name: "Pronto", path: "../.."),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The generated types and server glue, and the handlers: no server in it.
        .target(
            name: "GreetingsAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")]
        ),
        .target(
            name: "GreetingsServer",
            dependencies: [
                "GreetingsAPI",
                .product(name: "Pronto", package: "Pronto"),
                .product(name: "ProntoOpenAPI", package: "Pronto"),
            ]
        ),
        .executableTarget(
            name: "greetings",
            dependencies: [
                "GreetingsServer",
                .product(name: "Pronto", package: "Pronto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "GreetingsAPITests",
            dependencies: [
                "GreetingsServer", "GreetingsAPI",
                .product(name: "ProntoTesting", package: "Pronto"),
                .product(name: "ProntoOpenAPI", package: "Pronto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
