import Foundation
import NIOCore
import Testing

@testable import Pronto

// Targeted tests of `JSONBufferEncoder`: each special case compared byte for byte with
// Foundation's `JSONEncoder()` (default settings), plus errors, nesting, `superEncoder`
// and the fallback. The generated comparisons are in JSONPropertyTests.swift.

/// Our output as a String.
func encodedByPronto<T: Encodable>(_ value: T) throws -> String {
    var buffer = ByteBuffer()
    try JSONBufferEncoder().encode(value, into: &buffer)
    return String(buffer: buffer)
}

/// Foundation's output as a String.
func encodedByFoundation<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
}

/// Both outputs must be identical, byte for byte.
func expectSameJSON<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try encodedByFoundation(value)
    let actual = try encodedByPronto(value)
    #expect(actual == expected, sourceLocation: sourceLocation)
}

/// Both outputs must be the same JSON once object members are sorted by key (Foundation
/// on Linux writes keys in `Dictionary` order; we write them in encoding order). Numbers
/// and strings are compared as written, escapes included.
func expectEquivalentJSON<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try encodedByFoundation(value)
    let actual = try encodedByPronto(value)
    #expect(canonicalJSON(actual) == canonicalJSON(expected), "ours: \(actual)\nfoundation: \(expected)", sourceLocation: sourceLocation)
}

/// `json` with every object's members sorted by their raw key bytes; scalars kept as
/// written. Expects compact JSON (no whitespace), as both encoders write.
func canonicalJSON(_ json: String) -> String {
    let bytes = Array(json.utf8)
    var index = 0
    func value() -> [UInt8] {
        guard index < bytes.count else { return Array("<truncated>".utf8) }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [([UInt8], [UInt8])] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
                if bytes[index] == UInt8(ascii: ",") { index += 1 }
                let key = value()
                index += 1  // ':'
                members.append((key, value()))
            }
            index += 1
            members.sort { $0.0.lexicographicallyPrecedes($1.0) }
            var out: [UInt8] = [UInt8(ascii: "{")]
            for (position, member) in members.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                out += member.0 + [UInt8(ascii: ":")] + member.1
            }
            return out + [UInt8(ascii: "}")]
        case UInt8(ascii: "["):
            index += 1
            var out: [UInt8] = [UInt8(ascii: "[")]
            var first = true
            while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
                if bytes[index] == UInt8(ascii: ",") { index += 1 }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out += value()
            }
            index += 1
            return out + [UInt8(ascii: "]")]
        case UInt8(ascii: "\""):
            let start = index
            index += 1
            while bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
            index += 1
            return Array(bytes[start..<index])
        default:
            let start = index
            while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(bytes[index]) {
                index += 1
            }
            return Array(bytes[start..<index])
        }
    }
    let result = value()
    return String(decoding: result, as: UTF8.self) + (index == bytes.count ? "" : "<trailing>")
}

struct JSONTestKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

enum JSONTestKey3: String, CodingKey { case a, b, c }

@Suite("JSON encoder: special cases")
struct JSONEncoderTests {
    @Test func doublesFormatLikeFoundation() throws {
        let values: [Double] = [
            0.1, 1e-7, 1e21, 1e15, 1e16, 9007199254740992, 9007199254740994, 123456789012345680,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude,
            -0.0, 0, 1, -1, 100, 0.0001, 0.00001, 1.5, 1e300, 0.1 + 0.2, 1 / 3, .pi, -.ulpOfOne, 4.35, 2.5e-5,
        ]
        try expectSameJSON(values)
        for value in values { try expectSameJSON(value) }
    }

    @Test func floatsFormatLikeFoundation() throws {
        let values: [Float] = [
            0.1, 1e-7, 1e21, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, -0.0, 16_777_216,
            16_777_218, 1, 3.4028235e38, .pi, 0.3,
        ]
        try expectSameJSON(values)
        try expectSameJSON([Float16(0.1), Float16(65504), Float16(-0.0)])
    }

    @Test func integersOfEveryWidth() throws {
        try expectSameJSON([Int64.min, Int64.max, 0, -1, 9, 10, 99, 100, 999_999_999_999_999_999, 1_000_000_000_000_000_000])
        try expectSameJSON([UInt64.max, UInt64.max - 1, 10_000_000_000_000_000_000, 9_999_999_999_999_999_999])
        try expectSameJSON([Int8.min, Int8.max])
        try expectSameJSON([Int16.min, Int16.max])
        try expectSameJSON([Int32.min, Int32.max])
        try expectSameJSON([UInt8.max, 0])
        try expectSameJSON([UInt16.max])
        try expectSameJSON([UInt32.max])
        try expectSameJSON([UInt.max])
        try expectSameJSON([Int128.min, Int128.max, 0, -1, Int128(UInt64.max) + 1, -Int128(UInt64.max) - 1])
        try expectSameJSON([UInt128.max, UInt128(10_000_000_000_000_000_000) * 10_000_000_000_000_000_000, 0])
        for power in 0..<20 {
            var value: UInt64 = 1
            for _ in 0..<power { value *= 10 }
            try expectSameJSON([value - 1, value, value + 1])
        }
    }

    @Test func stringEscapes() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar($0)! }))
        try expectSameJSON(controls)
        try expectSameJSON("quote \" backslash \\ slash / del \u{7F} é ß 中文 😀 👩‍👩‍👧 \u{2028}\u{2029} \u{FEFF} \u{FFFF} \u{10FFFF}")
        try expectSameJSON("")
        try expectSameJSON(["/", "//", "\\/", "\"\""])
    }

    @Test func foundationTypes() throws {
        try expectSameJSON(Date(timeIntervalSinceReferenceDate: 12.5))
        try expectSameJSON([Date(timeIntervalSince1970: 0), Date(timeIntervalSinceReferenceDate: -0.001), Date.distantFuture])
        try expectSameJSON([Data(), Data([1, 2, 3, 255]), Data(repeating: 0xFB, count: 100)])
        try expectSameJSON([URL(string: "https://x.com/a%20b?q=1&r=/")!, URL(fileURLWithPath: "/tmp/x y"), URL(string: "rel/path", relativeTo: URL(string: "https://h/b/"))!])
        try expectSameJSON(["12.345", "-0.0001", "1e40", "0", "-1.5e-20", "3.14159265358979323846264338327950288"].map { Decimal(string: $0)! })
        try expectSameJSON(Decimal.nan)
        struct Stamped: Codable {
            var at: Date
            var blob: Data
            var link: URL
            var price: Decimal
        }
        try expectEquivalentJSON(Stamped(at: Date(timeIntervalSinceReferenceDate: 1), blob: Data([0xFF]), link: URL(string: "a:b")!, price: 2))
    }

    @Test func topLevelFragments() throws {
        try expectSameJSON("text")
        try expectSameJSON(42)
        try expectSameJSON(true)
        try expectSameJSON(Int?.none)
        try expectSameJSON([Int]())
        try expectSameJSON([String: Int]())
    }

    @Test func optionals() throws {
        struct Sparse: Codable {
            var a: Int?
            var b: String?
        }
        try expectSameJSON(Sparse())
        try expectSameJSON(Sparse(a: 1))
        try expectSameJSON([1, nil, 3] as [Int?])
        try expectSameJSON([nil] as [String?])
        try expectSameJSON([[nil]] as [[Double?]])
    }

    @Test func enumsAndDictionaries() throws {
        enum Color: String, Codable { case red, slash = "a/b" }
        enum Level: Int, Codable { case low = -1, high = 7 }
        try expectSameJSON([Color.red, .slash])
        try expectSameJSON([Level.low, .high])
        try expectSameJSON(["k": Color.slash])
        try expectSameJSON([7: "seven"])
        try expectSameJSON([Level.high: 1.5])  // non-String/Int keys: an array of alternating keys and values
        try expectEquivalentJSON(["a": 1, "b": 2, "c": 3, "/": 4, "é": 5])
    }

    @Test func nestedContainersAndSuperEncoders() throws {
        struct Nest: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONTestKey3.self)
                var array = container.nestedUnkeyedContainer(forKey: .a)
                try array.encode(1)
                var object = array.nestedContainer(keyedBy: JSONTestKey3.self)
                try object.encodeNil(forKey: .b)
                _ = array.nestedUnkeyedContainer()
            }
        }
        try expectSameJSON(Nest())
        struct ParentAfterNested: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONTestKey3.self)
                var inner = container.nestedContainer(keyedBy: JSONTestKey3.self, forKey: .a)
                try inner.encode("x", forKey: .b)
                try container.encode(2, forKey: .b)
            }
        }
        try expectEquivalentJSON(ParentAfterNested())
        struct EmptySuper: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONTestKey3.self)
                try container.encode(1, forKey: .a)
                _ = container.superEncoder()
            }
        }
        try expectEquivalentJSON(EmptySuper())
        struct ScalarSuper: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONTestKey3.self)
                try container.encode(1, forKey: .a)
                var single = container.superEncoder().singleValueContainer()
                try single.encode(5)
            }
        }
        try expectEquivalentJSON(ScalarSuper())
        struct ArraySuper: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.unkeyedContainer()
                try container.encode(1)
                var object = container.superEncoder().container(keyedBy: JSONTestKey3.self)
                try object.encode(5, forKey: .b)
                try container.encode(2)
            }
        }
        try expectSameJSON(ArraySuper())
        struct KeyedSuper: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONTestKey3.self)
                var array = container.superEncoder(forKey: .c).unkeyedContainer()
                try array.encode("x")
                try container.encode(1, forKey: .a)
            }
        }
        try expectEquivalentJSON(KeyedSuper())
        class Base: Encodable {
            var id = 1
        }
        final class Derived: Base {
            var name = "d"
            enum CodingKeys: String, CodingKey { case name }
            override func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(name, forKey: .name)
                try super.encode(to: container.superEncoder())
            }
        }
        try expectEquivalentJSON(Derived())
        try expectEquivalentJSON([Derived(), Derived()])
        final class SharedEncoder: Base {
            var name = "s"
            enum CodingKeys: String, CodingKey { case name }
            override func encode(to encoder: any Encoder) throws {
                try super.encode(to: encoder)  // the same encoder: one object for both
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(name, forKey: .name)
            }
        }
        try expectEquivalentJSON(SharedEncoder())
    }

    @Test func valuesThatEncodeNothing() throws {
        struct Nothing: Encodable {
            func encode(to encoder: any Encoder) throws {}
        }
        try expectSameJSON([Nothing(), Nothing()])
        try expectSameJSON(["k": Nothing()])
        var buffer = ByteBuffer(string: "keep")
        #expect(throws: EncodingError.self) { try buffer.writeJSON(Nothing()) }
        #expect(String(buffer: buffer) == "keep")
        do {
            _ = try encodedByPronto(Nothing())
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.debugDescription == "Top-level Nothing did not encode any values.")
        }
    }

    @Test func nonFiniteValuesThrowLikeFoundation() throws {
        struct Holder: Encodable {
            var values: [String: [Double]]
        }
        let cases: [any Encodable] = [
            Double.nan, Double.infinity, -Double.infinity, Float.nan, [Float.infinity], Holder(values: ["x": [1, .nan]]),
            ["a": -Float.infinity],
        ]
        for value in cases {
            var buffer = ByteBuffer(string: "prefix")
            var ourError: EncodingError?
            do { try buffer.writeJSON(value) } catch let error as EncodingError { ourError = error }
            var theirError: EncodingError?
            do { _ = try JSONEncoder().encode(value) } catch let error as EncodingError { theirError = error }
            #expect(String(buffer: buffer) == "prefix", "the buffer is left as it was")
            guard case .invalidValue(_, let ours)? = ourError, case .invalidValue(_, let theirs)? = theirError else {
                Issue.record("expected invalidValue from both, got \(String(describing: ourError)) and \(String(describing: theirError))")
                continue
            }
            #expect(ours.debugDescription == theirs.debugDescription)
            #expect(ours.debugDescription.hasPrefix("Unable to encode "))
        }
        do {
            _ = try encodedByPronto(Holder(values: ["x": [1, .nan]]))
            Issue.record("no error")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["values", "x", "Index 1"])
            #expect(context.debugDescription == "Unable to encode Double.nan directly in JSON.")
        }
    }

    @Test func unstreamableValuesFallBackToFoundation() throws {
        struct LateWrite: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONTestKey3.self)
                var first = container.nestedContainer(keyedBy: JSONTestKey3.self, forKey: .a)
                var second = container.nestedContainer(keyedBy: JSONTestKey3.self, forKey: .b)
                try second.encode(2, forKey: .c)
                try first.encode(1, forKey: .c)  // `first` was closed when `second` opened
            }
        }
        try expectEquivalentJSON(LateWrite())
        try expectEquivalentJSON(["x": LateWrite()])
        struct Swallowed: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONTestKey3.self)
                try? container.encode(Double.nan, forKey: .a)
                try container.encode(1, forKey: .b)
            }
        }
        #expect(try encodedByPronto(Swallowed()) == encodedByFoundation(Swallowed()))
    }

    @Test func appendsAfterExistingBytesAndNests() throws {
        var buffer = ByteBuffer(string: "[")
        try buffer.writeJSON(["a": 1])
        buffer.writeString(",")
        try buffer.writeJSON("b")
        #expect(String(buffer: buffer) == "[{\"a\":1},\"b\"")
        // An encode inside an encode(to:) gets its own encoder.
        struct Reentrant: Encodable {
            func encode(to encoder: any Encoder) throws {
                var inner = ByteBuffer()
                try inner.writeJSON(["x": [1, 2]])
                var container = encoder.singleValueContainer()
                try container.encode(String(buffer: inner))
            }
        }
        try expectSameJSON([Reentrant()])
    }

    @Test func codingPathIsVisibleToValues() throws {
        struct PathProbe: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(encoder.codingPath.map(\.stringValue).joined(separator: "."))
            }
        }
        struct Outer: Encodable {
            var a = ["k": [PathProbe()]]
        }
        #expect(try encodedByPronto(Outer()) == #"{"a":{"k":["a.k.Index 0"]}}"#)
    }

    @Test func floatingPointFormatterMatchesDescription() {
        // The runtime formatter behind `description`, called without a String: the fast
        // path must be in use on this toolchain, and exact.
        #expect(runtimeFormatterIsExact)
        var rng = JSONTestRNG(seed: 0x5EED)
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        defer { out.deallocate() }
        func check(_ length: Int, _ description: String) -> Bool {
            var expected = Substring(description)
            if expected.hasSuffix(".0") { expected = expected.dropLast(2) }
            let written = String(decoding: UnsafeBufferPointer(start: out, count: length), as: UTF8.self)
            if written != expected { Issue.record("\(description): wrote \(written)") }
            return written == expected
        }
        for _ in 0..<200_000 {
            let double = Double(bitPattern: rng.next())
            if double.isFinite, !check(formatJSONDouble(double, to: out), double.description) { return }
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if float.isFinite, !check(formatJSONFloat(float, to: out), float.description) { return }
        }
    }
}
