import NIOCore

// The three Codable containers of ``_JSONStreamEncoder``. Each is the encoder plus the
// index and identity of its frame: three words, so the unkeyed and single-value ones
// fit in an existential's inline buffer (no allocation). The keyed one is boxed by
// `KeyedEncodingContainer` itself: one allocation per keyed container, unavoidable
// through Codable.

/// Writes `"key":value` pairs into the object at `index`.
struct _JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: _JSONStreamEncoder
    let index: Int
    let id: UInt32

    var codingPath: [any CodingKey] { encoder.codingPath }

    @inline(__always)
    private func begin(_ key: Key) throws {
        try encoder.beginKey(index, id, key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try begin(key)
        encoder.writeNull()
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try begin(key)
        encoder.writeBool(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        try begin(key)
        encoder.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        try begin(key)
        try encoder.writeDouble(value, key: _JSONPathKey(key))
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        try begin(key)
        try encoder.writeFloat(value, key: _JSONPathKey(key))
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int8, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int16, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int32, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int64, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int128, forKey key: Key) throws {
        try begin(key)
        encoder.writeInt128(value)
    }

    mutating func encode(_ value: UInt128, forKey key: Key) throws {
        try begin(key)
        encoder.writeUInt128(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try encoder.encodeValue(value, key: _JSONPathKey(key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let (index, id) = encoder.openNested(.object, in: index, id, key: key)
        return KeyedEncodingContainer(_JSONKeyedContainer<NestedKey>(encoder: encoder, index: index, id: id))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let (index, id) = encoder.openNested(.array, in: index, id, key: key)
        return _JSONUnkeyedContainer(encoder: encoder, index: index, id: id)
    }

    mutating func superEncoder() -> any Encoder {
        let (index, id) = encoder.openNested(.superSlot, in: index, id, key: _JSONKey.super)
        return _JSONSuperEncoder(encoder: encoder, index: index, id: id)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let (index, id) = encoder.openNested(.superSlot, in: index, id, key: key)
        return _JSONSuperEncoder(encoder: encoder, index: index, id: id)
    }
}

/// Writes comma-separated values into the array at `index`.
struct _JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: _JSONStreamEncoder
    let index: Int
    let id: UInt32

    var codingPath: [any CodingKey] { encoder.codingPath }

    var count: Int {
        guard index >= 0, index < encoder.frames.count, encoder.frames[index].id == id else { return 0 }
        return encoder.frames[index].count
    }

    @inline(__always)
    private func begin() throws {
        try encoder.beginElement(index, id)
    }

    /// The path key of the element just begun.
    private var elementKey: _JSONPathKey { .index(encoder.frames[index].count &- 1) }

    mutating func encodeNil() throws {
        try begin()
        encoder.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try begin()
        encoder.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try begin()
        encoder.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try begin()
        try encoder.writeDouble(value, key: elementKey)
    }

    mutating func encode(_ value: Float) throws {
        try begin()
        try encoder.writeFloat(value, key: elementKey)
    }

    mutating func encode(_ value: Int) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int8) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int16) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int32) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int64) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt8) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt16) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt32) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt64) throws {
        try begin()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int128) throws {
        try begin()
        encoder.writeInt128(value)
    }

    mutating func encode(_ value: UInt128) throws {
        try begin()
        encoder.writeUInt128(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try encoder.encodeValue(value, key: elementKey)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let (index, id) = encoder.openNestedElement(.object, in: index, id)
        return KeyedEncodingContainer(_JSONKeyedContainer<NestedKey>(encoder: encoder, index: index, id: id))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let (index, id) = encoder.openNestedElement(.array, in: index, id)
        return _JSONUnkeyedContainer(encoder: encoder, index: index, id: id)
    }

    mutating func superEncoder() -> any Encoder {
        let (index, id) = encoder.openNestedElement(.superSlot, in: index, id)
        return _JSONSuperEncoder(encoder: encoder, index: index, id: id)
    }
}

/// Writes one value: into the encoder's current slot (`index == -1`, `id` the slot's
/// identity), or into the slot of a `superEncoder()` (`index` its frame).
struct _JSONSingleValueContainer: SingleValueEncodingContainer {
    let encoder: _JSONStreamEncoder
    let index: Int
    let id: UInt32

    var codingPath: [any CodingKey] { encoder.codingPath }

    /// Checks that the slot is still open and empty, and marks it filled.
    @inline(__always)
    private func claim() throws {
        if index < 0 {
            guard encoder.slotID == id, !encoder.slotFilled, encoder.frames.count == encoder.slotDepth else {
                encoder.poisoned = true
                throw _JSONStreamUnsupported()
            }
            encoder.slotFilled = true
        } else {
            try encoder.claimSuperSlot(index, id)
        }
    }

    mutating func encodeNil() throws {
        try claim()
        encoder.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try claim()
        encoder.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try claim()
        encoder.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try claim()
        try encoder.writeDouble(value, key: nil)
    }

    mutating func encode(_ value: Float) throws {
        try claim()
        try encoder.writeFloat(value, key: nil)
    }

    mutating func encode(_ value: Int) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int8) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int16) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int32) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int64) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt8) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt16) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt32) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: UInt64) throws {
        try claim()
        encoder.writeInteger(value)
    }

    mutating func encode(_ value: Int128) throws {
        try claim()
        encoder.writeInt128(value)
    }

    mutating func encode(_ value: UInt128) throws {
        try claim()
        encoder.writeUInt128(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try claim()
        // A value of its own, in a fresh slot at this position (`{}` if it encodes nothing).
        try encoder.encodeValue(value, key: nil)
    }
}

/// The `Encoder` a `superEncoder()` returns: encodes one value (or one container) into
/// the slot frame at `index`, after the key already written.
final class _JSONSuperEncoder: Encoder {
    let encoder: _JSONStreamEncoder
    let index: Int
    let id: UInt32

    init(encoder: _JSONStreamEncoder, index: Int, id: UInt32) {
        self.encoder = encoder
        self.index = index
        self.id = id
    }

    var codingPath: [any CodingKey] { encoder.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (index, id) = encoder.openInSuperSlot(.object, index, id)
        return KeyedEncodingContainer(_JSONKeyedContainer<Key>(encoder: encoder, index: index, id: id))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (index, id) = encoder.openInSuperSlot(.array, index, id)
        return _JSONUnkeyedContainer(encoder: encoder, index: index, id: id)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        _JSONSingleValueContainer(encoder: encoder, index: index, id: id)
    }
}

extension _JSONStreamEncoder {
    /// Opens a container (or a super slot) as the next element of the object at `index`.
    func openNested<Key: CodingKey>(_ kind: Frame.Kind, in index: Int, _ id: UInt32, key: Key) -> (index: Int, id: UInt32) {
        let name = key.stringValue
        do {
            try beginKey(index, id, name)
        } catch {
            return invalid()
        }
        return push(kind, key: .named(name, key.intValue))
    }

    /// Opens a container (or a super slot) as the next element of the array at `index`.
    func openNestedElement(_ kind: Frame.Kind, in index: Int, _ id: UInt32) -> (index: Int, id: UInt32) {
        do {
            try beginElement(index, id)
        } catch {
            return invalid()
        }
        return push(kind, key: .index(frames[index].count &- 1))
    }

    /// Opens a container in the super slot at `index`, or returns the one open there.
    func openInSuperSlot(_ kind: Frame.Kind, _ index: Int, _ id: UInt32) -> (index: Int, id: UInt32) {
        guard index >= slotDepth, index < frames.count, frames[index].id == id else { return invalid() }
        let child = index &+ 1
        if frames[index].count == 0 {
            closeFrames(to: child)
            frames[index].count = 1
            return push(kind, key: nil)
        }
        guard frames.count > child, frames[child].kind == kind else { return invalid() }
        closeFrames(to: child &+ 1)
        return (child, frames[child].id)
    }

    /// Marks the super slot at `index` filled by a single value about to be written.
    func claimSuperSlot(_ index: Int, _ id: UInt32) throws {
        guard index >= slotDepth, index < frames.count, frames[index].id == id, frames[index].count == 0 else {
            poisoned = true
            throw _JSONStreamUnsupported()
        }
        closeFrames(to: index &+ 1)
        frames[index].count = 1
    }
}
