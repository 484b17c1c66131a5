import Foundation
import FuzzSupport

/// Decodes Foundation's reading of the JSON against the value that was encoded: each node
/// is decoded as the type it was written as (found by the decoder's coding path) and must
/// equal it, strings byte for byte.
struct Shaped: Decodable {
    static let expectedKey = CodingUserInfoKey(rawValue: "expected")!

    /// The value encoded, for `userInfo` (which wants a `Sendable`).
    final class Box: @unchecked Sendable {
        let value: FuzzValue
        init(_ value: FuzzValue) { self.value = value }
    }

    init(from decoder: any Decoder) throws {
        var node = (decoder.userInfo[Self.expectedKey] as! Box).value
        for key in decoder.codingPath {
            switch node {
            case .array(let elements, _): node = elements[key.intValue!]
            case .object(let members, _): node = members.first { $0.key.utf8.elementsEqual(key.stringValue.utf8) }!.value
            default: check(false, "a coding path \(decoder.codingPath) through a scalar")
            }
        }
        try Self.verify(node, decoder)
    }

    static func verify(_ node: FuzzValue, _ decoder: any Decoder) throws {
        let path = decoder.codingPath.map(\.stringValue)
        switch node {
        case .array(let elements, _):
            var container = try decoder.unkeyedContainer()
            check(container.count == elements.count, "\(path): \(String(describing: container.count)) elements, \(elements.count) encoded")
            while !container.isAtEnd { _ = try container.decode(Shaped.self) }
        case .object(let members, _):
            let container = try decoder.container(keyedBy: AnyKey.self)
            check(container.allKeys.count == members.count, "\(path): \(container.allKeys.count) keys, \(members.count) encoded")
            for member in members { _ = try container.decode(Shaped.self, forKey: AnyKey(stringValue: member.key)) }
        default:
            let container = try decoder.singleValueContainer()
            let same: Bool
            switch node {
            case .null: same = container.decodeNil()
            case .bool(let v): same = try container.decode(Bool.self) == v
            case .string(let v): same = try container.decode(String.self).utf8.elementsEqual(v.utf8)
            case .int(let v): same = try container.decode(Int.self) == v
            case .int8(let v): same = try container.decode(Int8.self) == v
            case .int16(let v): same = try container.decode(Int16.self) == v
            case .int32(let v): same = try container.decode(Int32.self) == v
            case .int64(let v): same = try container.decode(Int64.self) == v
            case .int128(let v): same = try container.decode(Int128.self) == v
            case .uint(let v): same = try container.decode(UInt.self) == v
            case .uint8(let v): same = try container.decode(UInt8.self) == v
            case .uint16(let v): same = try container.decode(UInt16.self) == v
            case .uint32(let v): same = try container.decode(UInt32.self) == v
            case .uint64(let v): same = try container.decode(UInt64.self) == v
            case .uint128(let v): same = try container.decode(UInt128.self) == v
            case .double(let v): same = try container.decode(Double.self) == v
            case .float(let v): same = try container.decode(Float.self) == v
            case .data(let v): same = try container.decode(Data.self) == v
            case .date(let v): same = try container.decode(Date.self) == v
            case .array, .object: same = false
            }
            check(same, "\(path): \(node) did not read back the same")
        }
    }
}
