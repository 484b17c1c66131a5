/// A structure sent as bracketed fields (`user[name]=…&user[age]=…`, or the form's top level).
struct FormKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: FormValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] { decoder.node.children.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { decoder.node.children[key.stringValue] != nil }

    /// A missing field is nil, and so is an empty one (`age=`): an empty `<input>` is still
    /// sent, and an optional number left blank must not be a 400. `String?` fields read
    /// `""` instead (see ``decodeIfPresent(_:forKey:)-String``), since the text was given.
    func decodeNil(forKey key: Key) throws -> Bool {
        guard let child = decoder.node.children[key.stringValue] else { return true }
        return decoder.child(child, key: key).isNil
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try childDecoder(for: key).decodeValue(T.self)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let child = decoder.node.children[key.stringValue] else { return nil }
        return try decoder.child(child, key: key).text()
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        if T.self == String.self { return try decodeIfPresent(String.self, forKey: key) as! T? }
        guard try !decodeNil(forKey: key) else { return nil }
        return try decode(T.self, forKey: key)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try childDecoder(for: key).bool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try childDecoder(for: key).text() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try childDecoder(for: key).number(Double.self) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try childDecoder(for: key).number(Float.self) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try childDecoder(for: key).number(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try childDecoder(for: key).number(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try childDecoder(for: key).number(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try childDecoder(for: key).number(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try childDecoder(for: key).number(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try childDecoder(for: key).number(UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try childDecoder(for: key).number(UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try childDecoder(for: key).number(UInt16.self) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try childDecoder(for: key).number(UInt32.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try childDecoder(for: key).number(UInt64.self) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try childDecoder(for: key).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try childDecoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        decoder.child(decoder.node.children["super"] ?? FormTree(), key: FormKey(stringValue: "super"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.child(decoder.node.children[key.stringValue] ?? FormTree(), key: key)
    }

    private func childDecoder(for key: Key) throws -> FormValueDecoder {
        guard let child = decoder.node.children[key.stringValue] else {
            throw DecodingError.keyNotFound(key, decoder.context("missing field"))
        }
        return decoder.child(child, key: key)
    }
}

/// A list: repeated or `[]` values, or `[0]`, `[1]`… children (see ``FormValueDecoder/listElements()``).
struct FormUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: FormValueDecoder
    let elements: [FormTree]
    private(set) var currentIndex = 0

    init(decoder: FormValueDecoder, elements: [FormTree]) {
        self.decoder = decoder
        self.elements = elements
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw endError(Never?.self) }
        let isNil = decoder.child(elements[currentIndex], key: FormKey(currentIndex)).isNil
        if isNil { currentIndex += 1 }
        return isNil
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let element = try next(T.self)
        let value = try element.decodeValue(T.self)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try next([String: Any].self).container(keyedBy: NestedKey.self)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try next([Any].self).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let element = try next(Any.self)
        currentIndex += 1
        return element
    }

    private func next(_ type: Any.Type) throws -> FormValueDecoder {
        guard !isAtEnd else { throw endError(type) }
        return decoder.child(elements[currentIndex], key: FormKey(currentIndex))
    }

    private func endError(_ type: Any.Type) -> DecodingError {
        .valueNotFound(type, decoder.context("expected more than \(elements.count) values in \(decoder.name)"))
    }
}
