import Foundation

/// Scalars through `singleValueContainer`; arrays and objects through unkeyed and keyed
/// containers, scalars in them with the containers' typed `encode` overloads.
extension FuzzValue: Encodable {
    func encode(to encoder: any Encoder) throws {
        switch self {
        case .array(let elements, let nested):
            var container = encoder.unkeyedContainer()
            for element in elements { try element.encode(into: &container, nested: nested) }
        case .object(let members, let nested):
            var container = encoder.container(keyedBy: AnyKey.self)
            for member in members { try member.value.encode(into: &container, forKey: AnyKey(stringValue: member.key), nested: nested) }
        default:
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let v): try container.encode(v)
            case .string(let v): try container.encode(v)
            case .int(let v): try container.encode(v)
            case .int8(let v): try container.encode(v)
            case .int16(let v): try container.encode(v)
            case .int32(let v): try container.encode(v)
            case .int64(let v): try container.encode(v)
            case .int128(let v): try container.encode(v)
            case .uint(let v): try container.encode(v)
            case .uint8(let v): try container.encode(v)
            case .uint16(let v): try container.encode(v)
            case .uint32(let v): try container.encode(v)
            case .uint64(let v): try container.encode(v)
            case .uint128(let v): try container.encode(v)
            case .double(let v): try container.encode(v)
            case .float(let v): try container.encode(v)
            case .data(let v): try container.encode(v)
            case .date(let v): try container.encode(v)
            case .array, .object: break
            }
        }
    }

    private func encode(into container: inout some UnkeyedEncodingContainer, nested: Bool) throws {
        switch self {
        case .null: try container.encodeNil()
        case .bool(let v): try container.encode(v)
        case .string(let v): try container.encode(v)
        case .int(let v): try container.encode(v)
        case .int8(let v): try container.encode(v)
        case .uint64(let v): try container.encode(v)
        case .double(let v): try container.encode(v)
        case .float(let v): try container.encode(v)
        case .array(let elements, let inner) where nested:
            var child = container.nestedUnkeyedContainer()
            for element in elements { try element.encode(into: &child, nested: inner) }
        case .object(let members, let inner) where nested:
            var child = container.nestedContainer(keyedBy: AnyKey.self)
            for member in members { try member.value.encode(into: &child, forKey: AnyKey(stringValue: member.key), nested: inner) }
        default: try container.encode(self)
        }
    }

    private func encode(into container: inout KeyedEncodingContainer<AnyKey>, forKey key: AnyKey, nested: Bool) throws {
        switch self {
        case .null: try container.encodeNil(forKey: key)
        case .bool(let v): try container.encode(v, forKey: key)
        case .string(let v): try container.encode(v, forKey: key)
        case .int(let v): try container.encode(v, forKey: key)
        case .int16(let v): try container.encode(v, forKey: key)
        case .uint32(let v): try container.encode(v, forKey: key)
        case .double(let v): try container.encode(v, forKey: key)
        case .float(let v): try container.encode(v, forKey: key)
        case .array(let elements, let inner) where nested:
            var child = container.nestedUnkeyedContainer(forKey: key)
            for element in elements { try element.encode(into: &child, nested: inner) }
        case .object(let members, let inner) where nested:
            var child = container.nestedContainer(keyedBy: AnyKey.self, forKey: key)
            for member in members { try member.value.encode(into: &child, forKey: AnyKey(stringValue: member.key), nested: inner) }
        default: try container.encode(self, forKey: key)
        }
    }
}
