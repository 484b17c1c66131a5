// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Pronto",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ProntoHTTP", targets: ["ProntoHTTP"]),
        .library(name: "ProntoCore", targets: ["ProntoCore"]),
        .library(name: "Pronto", targets: ["Pronto"]),
        .library(name: "ProntoTesting", targets: ["ProntoTesting"]),
        .library(name: "ProntoCompression", targets: ["ProntoCompression"]),
        .library(name: "ProntoMetrics", targets: ["ProntoMetrics"]),
        .library(name: "ProntoPrometheus", targets: ["ProntoPrometheus"]),
        .library(name: "ProntoTracing", targets: ["ProntoTracing"]),
        .library(name: "ProntoHTTPTypes", targets: ["ProntoHTTPTypes"]),
        .library(name: "ProntoOpenAPI", targets: ["ProntoOpenAPI"]),
        .library(name: "ProntoConfiguration", targets: ["ProntoConfiguration"]),
        .library(name: "ProntoHTTP2", targets: ["ProntoHTTP2"]),
        .library(name: "ProntoTLS", targets: ["ProntoTLS"]),
        .executable(name: "hello", targets: ["hello"]),
        .executable(name: "pronto-bench", targets: ["pronto-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        // `swift package generate-documentation` (scripts/docs.sh, in the README's test command).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "CommandLineArguments"]),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // hello's /upload digest only (SHA-256 as the body streams); not in the libraries.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        // Small (a few files each, no NIO): built with the core, linked only by the products
        // that use them.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // HTTP/2 and TLS: heavy (BoringSSL takes minutes to build), linked only by the
        // ProntoHTTP2 and ProntoTLS products and the executables that use them.
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Wire format only: no NIO, so it can be fuzzed and benchmarked alone.
        .target(name: "ProntoHTTP", dependencies: ["CProntoSIMD"]),
        // SSE2 classifiers of 16 bytes for the parser's hot loops, inlined into ProntoHTTP.
        .target(name: "CProntoSIMD"),
        // The engine: server, connections, the handler interface, Request and Response.
        // Knows nothing of routes, middleware or JSON.
        .target(
            name: "ProntoCore",
            dependencies: [
                "ProntoHTTP",
                "CProntoSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // openat2(2) for the static files (no libc wrapper; Swift cannot call syscall(2)),
        // malloc_trim(3) for the engine (not in Swift's Glibc module).
        .target(name: "CProntoSystem"),
        // The framework on the engine (App, router, middleware, JSON); re-exports ProntoCore.
        .target(
            name: "Pronto",
            dependencies: [
                "ProntoCore", "CProntoSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // WebSocket opcodes and masking keys (part of swift-nio already); the frame
                // codec itself is Pronto's (WebSocketFrameCodec: no allocation per message).
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // gzip/deflate response compression (zlib through compress-nio): its own product, so
        // an app that does not compress links no zlib and the framework stays small.
        .target(
            name: "ProntoCompression",
            dependencies: [
                "Pronto",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // swift-metrics middleware (OpenTelemetry HTTP names); any backend.
        .target(
            name: "ProntoMetrics",
            dependencies: [
                "Pronto",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // Already in the graph through NIO; its lazy reference is inlinable, where
                // Synchronization's is an unspecialised generic call (a metadata look-up).
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        // The Prometheus backend's names and buckets for Pronto's metrics, and a /metrics route.
        .target(
            name: "ProntoPrometheus",
            dependencies: [
                "Pronto", "ProntoMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Conversions between Pronto's heads and swift-http-types' HTTPRequest/HTTPResponse.
        .target(
            name: "ProntoHTTPTypes",
            dependencies: [
                "Pronto",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // HTTP/2 (h2c by prior knowledge, or after ALPN) onto the server's handler.
        .target(
            name: "ProntoHTTP2",
            dependencies: [
                "ProntoCore",
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // TLS through swift-nio-ssl (PEM files, reload on SIGHUP, ALPN h2/http/1.1).
        .target(
            name: "ProntoTLS",
            dependencies: [
                "ProntoCore", "ProntoHTTP2",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // ServerConfiguration from swift-configuration readers (files, command line, environment).
        .target(
            name: "ProntoConfiguration",
            dependencies: [
                "Pronto",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        // swift-openapi-runtime's ServerTransport on Pronto's App and route groups.
        .target(
            name: "ProntoOpenAPI",
            dependencies: [
                "Pronto", "ProntoHTTPTypes",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A span per request through swift-distributed-tracing (its ServiceContext is the
        // tracer's), and a tracer that logs spans with W3C trace-context propagation.
        .target(
            name: "ProntoTracing",
            dependencies: [
                "Pronto",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ProntoTesting",
            dependencies: [
                "ProntoCore", "Pronto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "hello",
            dependencies: [
                "Pronto", "ProntoCompression", "ProntoMetrics", "ProntoPrometheus", "ProntoTracing", "ProntoHTTP2", "ProntoTLS",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Examples/hello",
            exclude: ["Public"]
        ),
        // The toolbench: load generator (wrk/wrk2-style) and TCP echo benchmark.
        .target(
            name: "ProntoBench",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "pronto-bench",
            dependencies: [
                "ProntoBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
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
        // Helpers shared by the engine's and the framework's tests (not a product).
        .target(
            name: "ProntoTestSupport",
            dependencies: [
                "ProntoCore", "ProntoTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ProntoTestSupport"
        ),
        .testTarget(
            name: "ProntoHTTP2Tests",
            dependencies: [
                "Pronto", "ProntoHTTP2", "ProntoTLS", "ProntoTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "ProntoCoreTests",
            dependencies: [
                "ProntoCore", "ProntoTesting", "ProntoTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProntoTests",
            dependencies: [
                "Pronto", "ProntoTesting", "ProntoTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProntoCompressionTests",
            dependencies: [
                "ProntoCompression", "Pronto", "ProntoTesting", "ProntoTestSupport",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ProntoMetricsTests",
            dependencies: [
                "ProntoMetrics", "ProntoPrometheus", "Pronto", "ProntoTesting", "ProntoTestSupport",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "ProntoHTTPTypesTests",
            dependencies: [
                "ProntoHTTPTypes", "Pronto", "ProntoTesting", "ProntoTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "ProntoOpenAPITests",
            dependencies: [
                "ProntoOpenAPI", "Pronto", "ProntoTesting", "ProntoTestSupport",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ProntoConfigurationTests",
            dependencies: [
                "ProntoConfiguration", "Pronto",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        .testTarget(
            name: "ProntoTracingTests",
            dependencies: [
                "ProntoTracing", "Pronto", "ProntoTesting", "ProntoTestSupport",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProntoBenchTests",
            dependencies: [
                "ProntoBench",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)
