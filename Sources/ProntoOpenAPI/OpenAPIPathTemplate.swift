/// An OpenAPI path template (`/pets/{petId}`, `/files/{name}.{ext}`) as a Pronto route
/// pattern, with what it takes to read the template's parameters back from a request.
///
/// A segment that is one whole `{name}` is a Pronto parameter of that name. A segment that
/// mixes text and parameters (`{name}.zip`) becomes a Pronto parameter `{_segmentN}` whose
/// raw value is split by the segment's template when a request comes (no match: 404).
struct OpenAPIPathTemplate: Sendable, Equatable {
    /// One segment of a mixed template: text to match literally, or a parameter.
    enum Piece: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// A mixed segment: its Pronto parameter's name and its pieces.
    struct MixedSegment: Sendable, Equatable {
        let routeParameter: String
        let pieces: [Piece]
    }

    /// The pattern to register with Pronto's router.
    let pattern: String
    /// The template's whole-segment parameters, which are Pronto's of the same name.
    let wholeSegmentParameters: [String]
    let mixedSegments: [MixedSegment]

    init(_ template: String) throws(OpenAPITransportError) {
        guard template.hasPrefix("/") else { throw .invalidPath(template, "a path template starts with /") }
        var segments: [String] = []
        var whole: [String] = []
        var mixed: [MixedSegment] = []
        for segment in template.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let pieces = try Self.pieces(of: Substring(segment), in: template)
            if pieces.count == 1, case .parameter(let name) = pieces[0] {
                segments.append("{\(name)}")
                whole.append(name)
            } else if pieces.allSatisfy({ if case .literal = $0 { true } else { false } }) {
                segments.append(String(segment))
            } else {
                let name = "_segment\(mixed.count)"
                segments.append("{\(name)}")
                mixed.append(MixedSegment(routeParameter: name, pieces: pieces))
            }
        }
        pattern = "/" + segments.joined(separator: "/")
        wholeSegmentParameters = whole
        mixedSegments = mixed
    }

    private static func pieces(of segment: Substring, in template: String) throws(OpenAPITransportError) -> [Piece] {
        var pieces: [Piece] = []
        var rest = segment
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { pieces.append(.literal(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { throw .invalidPath(template, "a { without its }") }
            let name = String(rest[rest.index(after: open)..<close])
            guard !name.isEmpty, !name.contains("{") else { throw .invalidPath(template, "an empty or nested parameter name") }
            if case .parameter = pieces.last {
                throw .invalidPath(template, "two parameters side by side ({\(name)}): nothing tells where one ends")
            }
            pieces.append(.parameter(name))
            rest = rest[rest.index(after: close)...]
        }
        guard !rest.contains("}") else { throw .invalidPath(template, "a } without its {") }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        return pieces
    }

    /// The parameters of `segment` (a raw path segment) by `pieces`, nil when it does not
    /// match: each literal must be there, each parameter takes the text up to the next one
    /// (at least one character).
    static func match(_ segment: Substring, _ pieces: [Piece]) -> [(String, Substring)]? {
        var values: [(String, Substring)] = []
        var rest = segment
        var index = pieces.startIndex
        while index < pieces.endIndex {
            switch pieces[index] {
            case .literal(let text):
                guard rest.hasPrefix(text) else { return nil }
                rest = rest.dropFirst(text.count)
            case .parameter(let name):
                let next = pieces.index(after: index)
                if next == pieces.endIndex {
                    guard !rest.isEmpty else { return nil }
                    values.append((name, rest))
                    rest = rest[rest.endIndex...]
                } else {
                    // The next piece is a literal (side-by-side parameters are refused).
                    guard case .literal(let text) = pieces[next], let found = rest.dropFirst().firstRange(of: text) else { return nil }
                    values.append((name, rest[..<found.lowerBound]))
                    rest = rest[found.lowerBound...]
                }
            }
            index = pieces.index(after: index)
        }
        return rest.isEmpty ? values : nil
    }
}

/// Why an OpenAPI operation could not be registered on a Pronto app.
public enum OpenAPITransportError: Error, Equatable, CustomStringConvertible {
    /// The path template is not one Pronto can route.
    case invalidPath(String, String)
    /// The method is not one Pronto routes (OpenAPI's are GET, PUT, POST, DELETE, OPTIONS,
    /// HEAD, PATCH and TRACE).
    case unsupportedMethod(String)

    public var description: String {
        switch self {
        case .invalidPath(let path, let why): "OpenAPI path \"\(path)\" cannot be routed: \(why)"
        case .unsupportedMethod(let method): "OpenAPI method \(method) is not one Pronto routes"
        }
    }
}
