import NIOCore

/// Form fields (`name=value` pairs) arranged by their bracketed names, the shape a `Decoder`
/// walks: `user[address][zip]=1` is `children["user"].children["address"].children["zip"]`.
///
/// One node holds both the values given to its own name and its nested names, because a
/// form may send both (`a=1&a[b]=2`); the decoder picks what the type asks for.
/// - `a=1&a=2` and `a[]=1&a[]=2`: two values of `a` (a list).
/// - `a[0][x]=1&a[1][x]=2`: children with integer names (a list of structures).
/// - `a[][x]=1&a[][x]=2`: an empty index inside a name starts a new element, as in PHP.
struct FormTree: Sendable {
    var values: [String] = []
    var children: [String: FormTree] = [:]
    /// Files of a multipart form sent under this name (a url-encoded form has none).
    var files: [UploadedFile] = []

    /// The deepest nesting accepted: a name is attacker-controlled, and each level costs a
    /// node and a stack frame when decoded.
    static let maxDepth = 32

    var isEmpty: Bool { values.isEmpty && children.isEmpty && files.isEmpty }

    /// Adds `value` under the bracketed `name`. Returns false when the name nests deeper
    /// than ``maxDepth``.
    @discardableResult
    mutating func insert(_ value: String, named name: String) -> Bool {
        guard let path = Self.path(of: name) else { return false }
        insert(path[...]) { $0.values.append(value) }
        return true
    }

    /// Adds an uploaded file under the bracketed `name`.
    @discardableResult
    mutating func insert(_ file: UploadedFile, named name: String) -> Bool {
        guard let path = Self.path(of: name) else { return false }
        insert(path[...]) { $0.files.append(file) }
        return true
    }

    private mutating func insert(_ path: ArraySlice<String>, _ add: (inout FormTree) -> Void) {
        guard var key = path.first else { return add(&self) }
        let rest = path.dropFirst()
        if key.isEmpty {
            // `a[]` at the end appends to a's values; inside a name (`a[][x]`) it starts a
            // new element, numbered after the ones present.
            if rest.isEmpty { return add(&self) }
            key = String(children.count)
        }
        children[key, default: FormTree()].insert(rest, add)
    }

    /// `a[b][]` → `["a", "b", ""]`. A name with unbalanced brackets is taken as one plain
    /// name, as PHP and Rack do, so nothing a client sends is lost.
    static func path(of name: String) -> [String]? {
        guard let open = name.firstIndex(of: "["), open != name.startIndex else { return [name] }
        var path = [String(name[..<open])]
        var rest = name[open...]
        while !rest.isEmpty {
            guard rest.first == "[", let close = rest.firstIndex(of: "]") else { return [name] }
            path.append(String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
            if path.count > maxDepth { return nil }
        }
        return path
    }
}

extension FormTree {
    /// Parses an `application/x-www-form-urlencoded` body or query string (`&`-separated,
    /// `+` a space, percent-escapes decoded by ``FormDecoding``).
    /// - Throws: `DecodingError.dataCorrupted` naming the field with a malformed escape or a
    ///   name nested too deep.
    init(urlEncoded bytes: UnsafeRawBufferPointer) throws {
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
            let pair = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            start = end + 1
            guard !pair.isEmpty else { continue }  // `a=1&&b=2`
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.count
            let rawName = UnsafeRawBufferPointer(rebasing: pair[..<equals])
            let rawValue = UnsafeRawBufferPointer(rebasing: pair[min(equals + 1, pair.count)...])
            guard let name = FormDecoding.decode(rawName, plusIsSpace: true) else {
                throw Self.corrupted("malformed percent-escape in the field name '\(String(decoding: rawName, as: UTF8.self))'")
            }
            guard let value = FormDecoding.decode(rawValue, plusIsSpace: true) else {
                throw Self.corrupted("malformed percent-escape in the value of '\(name)'")
            }
            guard insert(value, named: name) else {
                throw Self.corrupted("the field name '\(name.prefix(64))…' nests deeper than \(Self.maxDepth) levels")
            }
        }
    }

    init(urlEncoded string: String) throws {
        var string = string
        self = try string.withUTF8 { try FormTree(urlEncoded: UnsafeRawBufferPointer($0)) }
    }

    private static func corrupted(_ message: String) -> DecodingError {
        .dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: message))
    }
}
