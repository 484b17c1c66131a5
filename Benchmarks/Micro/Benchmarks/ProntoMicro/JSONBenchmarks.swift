// JSON encoding of a ~1 KiB object (15 fields: strings, integers, doubles, booleans, a
// nested struct and arrays): Foundation's `JSONEncoder` (to `Data`) against Pronto's
// `JSONBufferEncoder` (into a reused `ByteBuffer`, as the engine's output buffer is).
// Both produce the same JSON (Foundation's key order aside).

import Benchmark
import Foundation
import NIOCore
import Pronto

struct BenchmarkProfile: Codable, Sendable {
    struct Location: Codable, Sendable {
        var latitude: Double
        var longitude: Double
        var city: String
        var country: String
    }

    var id: Int
    var uuid: String
    var name: String
    var email: String
    var bio: String
    var age: Int
    var score: Double
    var balance: Double
    var active: Bool
    var verified: Bool
    var createdAt: Int64
    var rating: Double
    var tags: [String]
    var location: Location
    var friendIDs: [Int]
}

let benchmarkProfile = BenchmarkProfile(
    id: 123_456, uuid: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", name: "Ada Lovelace", email: "ada@example.com",
    bio: """
        Mathematician and writer, chiefly known for her work on Charles Babbage's proposed mechanical \
        general-purpose computer, the Analytical Engine. She was the first to recognise that the machine had \
        applications beyond pure calculation, and published the first algorithm intended to be carried out by \
        such a machine. Her notes on the engine include what is recognised as the first computer program, a \
        method for calculating a sequence of Bernoulli numbers, and her vision of computers going beyond \
        mere calculating or number-crunching led to poetical science.
        """,
    age: 36, score: 98.6, balance: 12_345.67, active: true, verified: false, createdAt: 1_700_000_000, rating: 4.75,
    tags: ["mathematics", "poetry", "engines", "notes", "bernoulli"],
    location: .init(latitude: 51.5074, longitude: -0.1278, city: "London", country: "United Kingdom"),
    friendIDs: [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233]
)

/// Registered from `benchmarks` in ProntoMicro.swift.
func registerJSONBenchmarks() {
    Benchmark("JSON Foundation JSONEncoder 1 KiB object") { benchmark in
        let encoder = JSONEncoder()
        guard let size = try? encoder.encode(benchmarkProfile).count, size > 900 else {
            return benchmark.error("the object did not encode as expected")
        }
        measure(benchmark, bytesPerOperation: size) {
            for _ in benchmark.scaledIterations {
                blackHole(try! encoder.encode(benchmarkProfile).count)
            }
        }
    }

    Benchmark("JSON JSONBufferEncoder 1 KiB object") { benchmark in
        let encoder = JSONBufferEncoder()
        var buffer = ByteBufferAllocator().buffer(capacity: 4096)
        guard (try? encoder.encode(benchmarkProfile, into: &buffer)) != nil, buffer.readableBytes > 900 else {
            return benchmark.error("the object did not encode as expected")
        }
        let size = buffer.readableBytes
        buffer.clear()
        measure(benchmark, bytesPerOperation: size) {
            for _ in benchmark.scaledIterations {
                try! encoder.encode(benchmarkProfile, into: &buffer)
                blackHole(buffer.readableBytes)
                buffer.clear()
            }
        }
    }
}
