import Foundation
import FuzzSupport

/// A JSON-shaped value built from the fuzzer's bytes, holding Swift's scalar types as they
/// are (each integer width, `Float` and `Double`, `Data`, `Date`), encoded through the
/// `Encoder` containers the way synthesized and hand-written conformances use them.
indirect enum FuzzValue {
    case null
    case bool(Bool)
    case string(String)
    case int(Int), int8(Int8), int16(Int16), int32(Int32), int64(Int64), int128(Int128)
    case uint(UInt), uint8(UInt8), uint16(UInt16), uint32(UInt32), uint64(UInt64), uint128(UInt128)
    case double(Double), float(Float)
    case data(Data), date(Date)
    /// `nested`: composites inside are written with `nestedContainer`/`nestedUnkeyedContainer`
    /// rather than through their own `encode(to:)`.
    case array([FuzzValue], nested: Bool)
    case object([(key: String, value: FuzzValue)], nested: Bool)

    /// A value of at most `depth` levels, its object keys unique (Foundation keeps the last
    /// of duplicate keys, Pronto writes both: a documented difference, not fuzzed).
    init(_ input: inout FuzzInput, depth: Int = 6) {
        let kind = input.byte() % (depth > 0 ? 21 : 19)
        switch kind {
        case 0: self = .null
        case 1: self = .bool(input.bool())
        case 2: self = .string(String(decoding: input.run(maxCount: 24), as: UTF8.self))
        case 3: self = .int(Int(truncatingIfNeeded: input.uint64()))
        case 4: self = .int8(Int8(truncatingIfNeeded: input.byte()))
        case 5: self = .int16(Int16(truncatingIfNeeded: input.uint64()))
        case 6: self = .int32(Int32(truncatingIfNeeded: input.uint64()))
        case 7: self = .int64(Int64(bitPattern: input.uint64()))
        case 8: self = .int128(Int128(Int64(bitPattern: input.uint64())) << input.int(in: 0...64) | Int128(input.uint64()))
        case 9: self = .uint(UInt(input.uint64()))
        case 10: self = .uint8(input.byte())
        case 11: self = .uint16(UInt16(truncatingIfNeeded: input.uint64()))
        case 12: self = .uint32(UInt32(truncatingIfNeeded: input.uint64()))
        case 13: self = .uint64(input.uint64())
        case 14: self = .uint128(UInt128(input.uint64()) << input.int(in: 0...64) | UInt128(input.uint64()))
        case 15: self = .double(Self.double(&input))
        case 16: self = .float(Float(bitPattern: UInt32(truncatingIfNeeded: input.uint64())))
        case 17: self = .data(Data(input.run(maxCount: 16)))
        case 18: self = .date(Date(timeIntervalSinceReferenceDate: Self.double(&input)))
        case 19:
            let count = input.int(in: 0...4)
            self = .array((0..<count).map { _ in FuzzValue(&input, depth: depth - 1) }, nested: input.bool())
        default:
            var members: [(key: String, value: FuzzValue)] = []
            for _ in 0..<input.int(in: 0...4) {
                let key = String(decoding: input.run(maxCount: 8), as: UTF8.self)
                let value = FuzzValue(&input, depth: depth - 1)
                if !members.contains(where: { $0.key.utf8.elementsEqual(key.utf8) }) { members.append((key, value)) }
            }
            self = .object(members, nested: input.bool())
        }
    }

    /// Doubles from raw bits, or from the shapes that format differently (integers, powers
    /// of ten, the exponent thresholds).
    static func double(_ input: inout FuzzInput) -> Double {
        switch input.byte() % 4 {
        case 0: Double(bitPattern: input.uint64())
        case 1: Double(Int64(bitPattern: input.uint64()) >> input.int(in: 0...63))
        case 2: Double(sign: input.bool() ? .minus : .plus, exponent: input.int(in: -1074...1023), significand: 1)
        default: Double("\(input.int(in: 1...9))e\(input.int(in: -30...30))")!
        }
    }

    /// Whether every value can be written (Foundation throws for NaN and infinities).
    var isFinite: Bool {
        switch self {
        case .double(let value): value.isFinite
        case .float(let value): value.isFinite
        case .date(let date): date.timeIntervalSinceReferenceDate.isFinite
        case .array(let elements, _): elements.allSatisfy(\.isFinite)
        case .object(let members, _): members.allSatisfy(\.value.isFinite)
        default: true
        }
    }

    /// Whether Foundation writes it byte for byte as Pronto does: no object with two
    /// members or more (Foundation's key order on Linux is a dictionary's).
    var hasOneOrderOnly: Bool {
        switch self {
        case .array(let elements, _): elements.allSatisfy(\.hasOneOrderOnly)
        case .object(let members, _): members.count <= 1 && members.allSatisfy(\.value.hasOneOrderOnly)
        default: true
        }
    }
}

/// Any string as a coding key.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
