#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `Decoder` over one node of a ``FormTree``: what ``URLEncodedFormDecoder`` hands to a
/// type's `init(from:)`, and what each container hands to the fields it decodes.
struct FormValueDecoder: Decoder {
    let node: FormTree
    let codingPath: [any CodingKey]
    let options: URLEncodedFormDecoder

    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if node.children.isEmpty, !node.values.isEmpty || !node.files.isEmpty {
            throw DecodingError.typeMismatch(
                [String: Any].self, context("expected nested fields (\(name)[…]=…), got a single value"))
        }
        return KeyedDecodingContainer(FormKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        FormUnkeyedContainer(decoder: self, elements: try listElements())
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        FormSingleValueContainer(decoder: self)
    }

    /// A decoder for `child`, found under `key`.
    func child(_ child: FormTree, key: any CodingKey) -> FormValueDecoder {
        FormValueDecoder(node: child, codingPath: codingPath + [key], options: options)
    }

    /// The field's name as a form would spell it (`user[address][zip]`), for messages.
    var name: String {
        guard let first = codingPath.first else { return "the form" }
        return codingPath.dropFirst().reduce(first.stringValue) { $0 + "[\($1.stringValue)]" }
    }

    func context(_ message: String) -> DecodingError.Context {
        DecodingError.Context(codingPath: codingPath, debugDescription: message)
    }

    /// True when the node stands for "no value": absent, or sent empty (`age=`).
    var isNil: Bool {
        node.isEmpty || (node.values == [""] && node.children.isEmpty && node.files.isEmpty)
    }

    /// The list a node holds: its values (`a=1&a=2`, `a[]=…`) and files, or else its
    /// children with integer names in numeric order (`a[0]=…&a[1]=…`).
    func listElements() throws -> [FormTree] {
        if !node.values.isEmpty || !node.files.isEmpty {
            return node.values.map { FormTree(values: [$0]) } + node.files.map { FormTree(files: [$0]) }
        }
        var indexed: [(index: Int, node: FormTree)] = []
        indexed.reserveCapacity(node.children.count)
        for (key, child) in node.children {
            guard let index = Int(key), index >= 0 else {
                throw DecodingError.typeMismatch([Any].self, context("expected a list, got the named field '\(key)'"))
            }
            indexed.append((index, child))
        }
        return indexed.sorted { $0.index < $1.index }.map(\.node)
    }

    // MARK: - Values

    /// Decodes `T` from this node: scalars and the types a form spells as text are read
    /// here, since their own `init(from:)` would expect a number (`Date`) or a structure
    /// (`URL` on some platforms); anything else decodes itself.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try text() as! T
        case is Bool.Type: return try bool() as! T
        case is Date.Type: return try date() as! T
        case is URL.Type: return try url() as! T
        case is Int.Type: return try number(Int.self) as! T
        case is Double.Type: return try number(Double.self) as! T
        default: return try T(from: self)
        }
    }

    /// The node's one value. With several (`a=1&a=2` read as one value) the first wins, as
    /// in ``QueryParameters``.
    func text() throws -> String {
        if let value = node.values.first { return value }
        if !node.children.isEmpty {
            throw DecodingError.typeMismatch(String.self, context("expected a single value, got nested fields (\(name)[…])"))
        }
        if !node.files.isEmpty {
            throw DecodingError.typeMismatch(String.self, context("expected a text field, got a file"))
        }
        throw DecodingError.valueNotFound(String.self, context("missing value"))
    }

    func number<T: LosslessStringConvertible>(_ type: T.Type) throws -> T {
        let text = try text()
        guard let value = T(text) else { throw invalid(text, expected: Request.typeName(T.self)) }
        return value
    }

    func bool() throws -> Bool {
        let text = try text()
        switch text.lowercased() {
        case "true", "1", "on", "yes": return true
        case "false", "0", "off", "no": return false
        default: throw invalid(text, expected: "true or false")
        }
    }

    func date() throws -> Date {
        let text = try text()
        let strategy = options.dateDecodingStrategy
        let parsed: Date?
        do {
            parsed = try strategy.date(from: text)
        } catch {
            throw DecodingError.dataCorrupted(context("expected \(strategy.expectation), got '\(text)' (\(error))"))
        }
        guard let parsed else { throw invalid(text, expected: strategy.expectation) }
        return parsed
    }

    func url() throws -> URL {
        let text = try text()
        guard !text.isEmpty, let url = URL(string: text) else { throw invalid(text, expected: "a URL") }
        return url
    }

    func invalid(_ text: String, expected: String) -> DecodingError {
        DecodingError.dataCorrupted(context("expected \(expected), got '\(text.prefix(100))'"))
    }
}

/// A key the decoder makes itself: a list element's index (`[2]`), or `super`.
struct FormKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(_ index: Int) {
        stringValue = String(index)
        intValue = index
    }
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init?(intValue: Int) { self.init(intValue) }
}

/// A value sent as one field (`age=36`).
struct FormSingleValueContainer: SingleValueDecodingContainer {
    let decoder: FormValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.isNil }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
    func decode(_ type: String.Type) throws -> String { try decoder.text() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.number(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.number(Float.self) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.number(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.number(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.number(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.number(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.number(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.number(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.number(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.number(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.number(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.number(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
}
