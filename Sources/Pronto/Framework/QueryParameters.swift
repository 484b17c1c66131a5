/// The parsed query string of a request: `name=value` pairs in order, percent-decoded,
/// `+` read as a space (form encoding, as browsers send it).
public struct QueryParameters: Sendable, Hashable, Sequence {
    /// Every name and value, percent-decoded, in the order sent.
    public private(set) var pairs: [(name: String, value: String)]

    /// Parses `query` (without `?`). A pair with a malformed escape is kept undecoded.
    public init(_ query: String) {
        pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = FormDecoding.decode(parts[0], plusIsSpace: true) ?? String(parts[0])
            let raw = parts.count > 1 ? parts[1] : ""
            return (name, FormDecoding.decode(raw, plusIsSpace: true) ?? String(raw))
        }
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order (`?tag=a&tag=b`).
    public func values(for name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { pairs.makeIterator() }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }
}

extension Request {
    /// The query string parsed into name/value pairs. Parsed on each call: keep the result
    /// if you read many parameters.
    public var queryParameters: QueryParameters {
        QueryParameters(query ?? "")
    }

    /// The first value of the query parameter `name`, percent-decoded.
    public func query(_ name: String) -> String? {
        queryParameters[name]
    }

    /// The query parameter `name` converted to `T`, or nil when it is absent.
    /// A value that does not convert is a 400 naming the parameter and the value.
    public func query<T: LosslessStringConvertible>(_ name: String, as type: T.Type) throws(HTTPError) -> T? {
        guard let text = query(name) else { return nil }
        guard let value = T(text) else {
            throw HTTPError(.badRequest, "query parameter '\(name)' must be \(Self.typeName(T.self)), got '\(text)'")
        }
        return value
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type, is Int16.Type, is Int8.Type: "an integer"
        case is UInt.Type, is UInt64.Type, is UInt32.Type, is UInt16.Type, is UInt8.Type: "a non-negative integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a \(type)"
        }
    }
}
