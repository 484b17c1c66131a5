import Foundation
import NIOCore
import Testing

@testable import Pronto

// Property-style comparison of `JSONBufferEncoder` with Foundation's `JSONEncoder()`
// over generated values (seeded, so a failure reproduces): trees of every scalar type,
// Foundation's special types, arrays, objects written through every kind of container,
// optionals, dictionaries, enums and synthesized `Codable` structs.

/// A small seeded generator (JSONTestRNG).
struct JSONTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A generated value, and how it is handed to the encoder.
indirect enum JSONTestNode: Encodable {
    case string(String), bool(Bool), null
    case int(Int), int8(Int8), int16(Int16), int32(Int32), int64(Int64)
    case uint(UInt), uint8(UInt8), uint16(UInt16), uint32(UInt32), uint64(UInt64)
    case double(Double), float(Float)
    case date(Date), data(Data), url(URL), decimal(Decimal)
    case color(Color), level(Level)
    case optional(JSONTestNode?)
    case person(JSONTestPerson)
    /// Elements written with the typed `encode` overloads and nested containers when
    /// `direct`, else each as a `JSONTestNode` (its own `encode(to:)`, single-value containers).
    case array([JSONTestNode], direct: Bool)
    /// Unique keys; `direct` as for arrays (and `encodeIfPresent` for optionals).
    case object([(String, JSONTestNode)], direct: Bool)
    /// Through the standard library's `Dictionary` conformances (one key: its order is
    /// the dictionary's).
    case stringDictionary([String: JSONTestNode])
    case intDictionary([Int: JSONTestNode])

    enum Color: String, Codable { case red, green, slashed = "a/b", quoted = "\"q\"" }
    enum Level: Int, Codable { case low = -3, mid = 0, high = 1_000_000 }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .array(let elements, let direct):
            var container = encoder.unkeyedContainer()
            try JSONTestNode.fill(&container, elements, direct: direct)
        case .object(let members, let direct):
            var container = encoder.container(keyedBy: JSONTestKey.self)
            try JSONTestNode.fill(&container, members, direct: direct)
        case .stringDictionary(let dictionary): try dictionary.encode(to: encoder)
        case .intDictionary(let dictionary): try dictionary.encode(to: encoder)
        case .person(let person): try person.encode(to: encoder)
        case .optional(let node): try node.encode(to: encoder)
        default:
            var container = encoder.singleValueContainer()
            try encodeScalar(into: &container)
        }
    }

    func encodeScalar(into container: inout some SingleValueEncodingContainer) throws {
        switch self {
        case .string(let v): try container.encode(v)
        case .bool(let v): try container.encode(v)
        case .null: try container.encodeNil()
        case .int(let v): try container.encode(v)
        case .int8(let v): try container.encode(v)
        case .int16(let v): try container.encode(v)
        case .int32(let v): try container.encode(v)
        case .int64(let v): try container.encode(v)
        case .uint(let v): try container.encode(v)
        case .uint8(let v): try container.encode(v)
        case .uint16(let v): try container.encode(v)
        case .uint32(let v): try container.encode(v)
        case .uint64(let v): try container.encode(v)
        case .double(let v): try container.encode(v)
        case .float(let v): try container.encode(v)
        case .date(let v): try container.encode(v)
        case .data(let v): try container.encode(v)
        case .url(let v): try container.encode(v)
        case .decimal(let v): try container.encode(v)
        case .color(let v): try container.encode(v)
        case .level(let v): try container.encode(v)
        default: fatalError("not a scalar")
        }
    }

    static func fill(_ container: inout any UnkeyedEncodingContainer, _ elements: [JSONTestNode], direct: Bool) throws {
        for element in elements {
            guard direct else {
                try container.encode(element)
                continue
            }
            switch element {
            case .string(let v): try container.encode(v)
            case .bool(let v): try container.encode(v)
            case .null: try container.encodeNil()
            case .int(let v): try container.encode(v)
            case .int8(let v): try container.encode(v)
            case .int16(let v): try container.encode(v)
            case .int32(let v): try container.encode(v)
            case .int64(let v): try container.encode(v)
            case .uint(let v): try container.encode(v)
            case .uint8(let v): try container.encode(v)
            case .uint16(let v): try container.encode(v)
            case .uint32(let v): try container.encode(v)
            case .uint64(let v): try container.encode(v)
            case .double(let v): try container.encode(v)
            case .float(let v): try container.encode(v)
            case .date(let v): try container.encode(v)
            case .data(let v): try container.encode(v)
            case .url(let v): try container.encode(v)
            case .decimal(let v): try container.encode(v)
            case .array(let nested, let direct):
                var nestedContainer = container.nestedUnkeyedContainer()
                try fill(&nestedContainer, nested, direct: direct)
            case .object(let members, let direct):
                var nestedContainer = container.nestedContainer(keyedBy: JSONTestKey.self)
                try fill(&nestedContainer, members, direct: direct)
            default: try container.encode(element)
            }
        }
    }

    static func fill(_ container: inout KeyedEncodingContainer<JSONTestKey>, _ members: [(String, JSONTestNode)], direct: Bool) throws {
        for (name, member) in members {
            let key = JSONTestKey(name)
            guard direct else {
                try container.encode(member, forKey: key)
                continue
            }
            switch member {
            case .string(let v): try container.encode(v, forKey: key)
            case .bool(let v): try container.encode(v, forKey: key)
            case .null: try container.encodeNil(forKey: key)
            case .int(let v): try container.encode(v, forKey: key)
            case .int8(let v): try container.encode(v, forKey: key)
            case .int16(let v): try container.encode(v, forKey: key)
            case .int32(let v): try container.encode(v, forKey: key)
            case .int64(let v): try container.encode(v, forKey: key)
            case .uint(let v): try container.encode(v, forKey: key)
            case .uint8(let v): try container.encode(v, forKey: key)
            case .uint16(let v): try container.encode(v, forKey: key)
            case .uint32(let v): try container.encode(v, forKey: key)
            case .uint64(let v): try container.encode(v, forKey: key)
            case .double(let v): try container.encode(v, forKey: key)
            case .float(let v): try container.encode(v, forKey: key)
            case .date(let v): try container.encode(v, forKey: key)
            case .data(let v): try container.encode(v, forKey: key)
            case .url(let v): try container.encode(v, forKey: key)
            case .decimal(let v): try container.encode(v, forKey: key)
            case .optional(.none): try container.encodeIfPresent(Int?.none, forKey: key)  // omitted
            case .optional(.some(let wrapped)): try container.encodeIfPresent(Optional(wrapped), forKey: key)
            case .array(let nested, let direct):
                var nestedContainer = container.nestedUnkeyedContainer(forKey: key)
                try fill(&nestedContainer, nested, direct: direct)
            case .object(let nested, let direct):
                var nestedContainer = container.nestedContainer(keyedBy: JSONTestKey.self, forKey: key)
                try fill(&nestedContainer, nested, direct: direct)
            default: try container.encode(member, forKey: key)
            }
        }
    }

    /// Whether every object in the tree has at most one key: then Foundation's key order
    /// cannot differ from ours, and the bytes must be identical.
    var hasAtMostOneKeyPerObject: Bool {
        switch self {
        case .array(let elements, _): elements.allSatisfy(\.hasAtMostOneKeyPerObject)
        case .object(let members, _): members.count <= 1 && members.allSatisfy(\.1.hasAtMostOneKeyPerObject)
        case .stringDictionary(let d): d.count <= 1 && d.values.allSatisfy(\.hasAtMostOneKeyPerObject)
        case .intDictionary(let d): d.count <= 1 && d.values.allSatisfy(\.hasAtMostOneKeyPerObject)
        case .optional(let node): node?.hasAtMostOneKeyPerObject ?? true
        case .person: false
        default: true
        }
    }
}

/// A synthesized `Codable` struct: `encodeIfPresent` for its optionals.
struct JSONTestPerson: Codable {
    struct Address: Codable {
        var street: String
        var zip: Int?
    }

    var name: String
    var age: Int
    var score: Double
    var ratio: Float
    var admin: Bool
    var tags: [String]
    var nickname: String?
    var level: JSONTestNode.Level
    var address: Address?
    var flags: [Bool?]
    var joined: Date
}

/// Builds random values from a seeded generator.
struct JSONValueGenerator {
    var rng: JSONTestRNG

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    /// Strings mixing plain ASCII with everything that needs care.
    mutating func string() -> String {
        let pool: [String] = [
            "a", "Z", "0", " ", "hello", "\"", "\\", "/", "\u{7F}", "é", "ß", "中", "日本語", "😀", "👩‍👩‍👧", "🇫🇷", "\u{2028}",
            "\u{2029}", "\u{FEFF}", "\u{FFFF}", "\u{10FFFF}", "\u{0301}", "e\u{0301}", "<", ">", "&", "'", "\\u0000", "\r\n",
        ]
        var string = ""
        for _ in 0..<int(0...12) {
            switch int(0...3) {
            case 0: string.unicodeScalars.append(Unicode.Scalar(UInt8(int(0...0x1F))))
            case 1: string.unicodeScalars.append(Unicode.Scalar(UInt8(int(0x20...0x7E))))
            default: string += pool[int(0...pool.count - 1)]
            }
        }
        return string
    }

    mutating func double() -> Double {
        let edges: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.2, 0.3, 1e-7, 1e21, 1e22, 1e15, 1e16, 1e17, 9007199254740992, 9007199254740994,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, .pi, 1e-4, 1e-5,
            123456.789, Double.leastNormalMagnitude.nextDown,
        ]
        switch int(0...5) {
        case 0: return edges[int(0...edges.count - 1)]
        case 1: return Double(int(-1_000_000...1_000_000)) / 100
        case 2: return Double(Int64.random(in: .min ... .max, using: &rng))
        case 3: return Double.random(in: -1...1, using: &rng) * pow(10, Double(int(-30...30)))
        default:
            while true {
                let value = Double(bitPattern: rng.next())
                if value.isFinite { return value }
            }
        }
    }

    mutating func float() -> Float {
        if chance(30) { return [0, -0.0, 0.1, 1e-7, 1e21, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 16_777_218][int(0...7)] }
        while true {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if value.isFinite { return value }
        }
    }

    mutating func int64() -> Int64 {
        switch int(0...3) {
        case 0: [Int64.min, .max, 0, -1, 1][int(0...4)]
        case 1: Int64(int(-1000...1000))
        default: Int64(bitPattern: rng.next()) >> UInt64(int(0...63))
        }
    }

    mutating func uint64() -> UInt64 {
        switch int(0...2) {
        case 0: [UInt64.max, 0, 1, 10_000_000_000_000_000_000][int(0...3)]
        default: rng.next() >> UInt64(int(0...63))
        }
    }

    mutating func scalar() -> JSONTestNode {
        switch int(0...21) {
        case 0, 1: .string(string())
        case 2: .bool(chance(50))
        case 3: .null
        case 4: .int(Int(int64()))
        case 5: .int8(Int8(truncatingIfNeeded: int64()))
        case 6: .int16(Int16(truncatingIfNeeded: int64()))
        case 7: .int32(Int32(truncatingIfNeeded: int64()))
        case 8: .int64(int64())
        case 9: .uint(UInt(uint64()))
        case 10: .uint8(UInt8(truncatingIfNeeded: uint64()))
        case 11: .uint16(UInt16(truncatingIfNeeded: uint64()))
        case 12: .uint32(UInt32(truncatingIfNeeded: uint64()))
        case 13: .uint64(uint64())
        case 14, 15: .double(double())
        case 16: .float(float())
        case 17: .date(Date(timeIntervalSinceReferenceDate: chance(50) ? double() / 1e290 : Double(int(-1_000_000_000...1_000_000_000))))
        case 18: .data(Data((0..<int(0...20)).map { _ in UInt8(int(0...255)) }))
        case 19:
            .url(URL(string: ["https://example.com/a/b?c=d&e=%2F", "file:///tmp/x", "mailto:a@b.c", "http://h:8080/" + String(int(0...999))][int(0...3)])!)
        case 20: .decimal(Decimal(int(-1_000_000...1_000_000)) / Decimal(int(1...1000)))
        default: chance(50) ? .color([.red, .green, .slashed, .quoted][int(0...3)]) : .level([.low, .mid, .high][int(0...2)])
        }
    }

    mutating func node(depth: Int, maxKeys: Int) -> JSONTestNode {
        if depth == 0 || chance(40) { return scalar() }
        switch int(0...9) {
        case 0, 1, 2:
            return .array((0..<int(0...5)).map { _ in node(depth: depth - 1, maxKeys: maxKeys) }, direct: chance(50))
        case 3, 4, 5:
            var names = Set<String>()
            var members: [(String, JSONTestNode)] = []
            for _ in 0..<int(0...maxKeys) {
                let name = chance(70) ? "k\(int(0...20))" : string()
                guard names.insert(name).inserted else { continue }
                members.append((name, chance(15) ? .optional(chance(50) ? nil : scalar()) : node(depth: depth - 1, maxKeys: maxKeys)))
            }
            return .object(members, direct: chance(50))
        case 6: return .optional(chance(50) ? nil : node(depth: depth - 1, maxKeys: maxKeys))
        case 7:
            return chance(50)
                ? .stringDictionary([string(): node(depth: depth - 1, maxKeys: maxKeys)])
                : .intDictionary([Int(int64()): node(depth: depth - 1, maxKeys: maxKeys)])
        default:
            if maxKeys <= 1 { return .array([scalar()], direct: false) }
            return .person(person())
        }
    }

    mutating func person() -> JSONTestPerson {
        JSONTestPerson(
            name: string(), age: int(0...120), score: double(), ratio: float(), admin: chance(50),
            tags: (0..<int(0...4)).map { _ in string() }, nickname: chance(50) ? string() : nil,
            level: [.low, .mid, .high][int(0...2)],
            address: chance(50) ? JSONTestPerson.Address(street: string(), zip: chance(50) ? int(0...99999) : nil) : nil,
            flags: (0..<int(0...3)).map { _ in chance(30) ? nil : chance(50) },
            joined: Date(timeIntervalSinceReferenceDate: Double(int(0...1_000_000)) + 0.25)
        )
    }
}

@Suite("JSON encoder: generated values against Foundation")
struct JSONPropertyTests {
    /// Objects of at most one key: the bytes must be identical.
    @Test(arguments: 0..<8)
    func identicalBytes(seed: UInt64) throws {
        var generator = JSONValueGenerator(rng: JSONTestRNG(seed: seed))
        for _ in 0..<400 {
            let value = generator.node(depth: 4, maxKeys: 1)
            #expect(value.hasAtMostOneKeyPerObject)
            let expected = try encodedByFoundation(value)
            let actual = try encodedByPronto(value)
            if actual != expected {
                Issue.record("seed \(seed):\nours:       \(actual)\nfoundation: \(expected)")
                return
            }
        }
    }

    /// Objects of many keys: the same JSON once members are sorted by key.
    @Test(arguments: 0..<8)
    func equivalentJSON(seed: UInt64) throws {
        var generator = JSONValueGenerator(rng: JSONTestRNG(seed: 1000 + seed))
        for _ in 0..<300 {
            let value = generator.node(depth: 4, maxKeys: 6)
            let expected = try encodedByFoundation(value)
            let actual = try encodedByPronto(value)
            if canonicalJSON(actual) != canonicalJSON(expected) {
                Issue.record("seed \(seed):\nours:       \(actual)\nfoundation: \(expected)")
                return
            }
        }
    }

    /// Synthesized `Codable` structs, alone and in arrays.
    @Test func synthesizedStructs() throws {
        var generator = JSONValueGenerator(rng: JSONTestRNG(seed: 77))
        for _ in 0..<300 {
            let people = (0..<generator.int(1...3)).map { _ in generator.person() }
            try expectEquivalentJSON(people)
            try expectEquivalentJSON(people[0])
        }
    }

    /// Scalars alone at the top level.
    @Test func topLevelScalars() throws {
        var generator = JSONValueGenerator(rng: JSONTestRNG(seed: 99))
        for _ in 0..<2000 {
            let value = generator.scalar()
            let expected = try encodedByFoundation(value)
            let actual = try encodedByPronto(value)
            if actual != expected {
                Issue.record("ours: \(actual)\nfoundation: \(expected)")
                return
            }
        }
    }
}
