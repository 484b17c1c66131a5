/// A route's path pattern, parsed and checked: a list of segments, each a literal, a
/// `{name}` parameter or, last only, the `*` catch-all.
///
/// Rules (each broken rule throws ``RoutingError`` with ``RoutingError/Kind/invalidPattern``):
/// - A pattern starts with `/`; it is split on every `/`, so `/a/` ends with an empty
///   literal segment and differs from `/a` (trailing slashes are strict).
/// - `{name}` is a whole segment; a name is letters, digits, `_`, `-` and `.`, unique in
///   the pattern. `{}`, a lone `{` or `}`, and `a{b}` are refused.
/// - `*` is a whole segment and the last one. Its value is named `*`.
/// - A literal is written decoded (`/café`, `/a b`): the request's segments are compared
///   after percent-decoding. `?` and `#` are refused: a route is a path, not a target.
struct RoutePattern: Sendable {
    enum Segment: Hashable, Sendable {
        case literal([UInt8])
        case parameter(String)
        case catchAll

        /// Two segments have the same shape when they match the same paths.
        var shape: String {
            switch self {
            case .literal(let bytes): String(decoding: bytes, as: UTF8.self)
            case .parameter: "{}"
            case .catchAll: "*"
            }
        }
    }

    let text: String
    let segments: [Segment]
    /// The names of the parameters in order, `*` for the catch-all.
    let parameterNames: [String]

    init(_ text: String) throws(RoutingError) {
        self.text = text
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "/") else {
            throw .invalid(text, "a pattern starts with \"/\"")
        }
        let parts = bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var segments: [Segment] = []
        var names: [String] = []
        for (index, part) in parts.enumerated() {
            let segment = String(decoding: part, as: UTF8.self)
            let position = "segment \(index + 1) (\(String(reflecting: segment)))"
            let isLast = index == parts.count - 1
            let hasOpen = part.contains(UInt8(ascii: "{"))
            let hasClose = part.contains(UInt8(ascii: "}"))
            if hasOpen || hasClose {
                guard hasOpen, hasClose, part.filter({ $0 == UInt8(ascii: "{") }).count == 1,
                    part.filter({ $0 == UInt8(ascii: "}") }).count == 1,
                    part.firstIndex(of: UInt8(ascii: "{"))! < part.firstIndex(of: UInt8(ascii: "}"))!
                else {
                    throw .invalid(text, "unbalanced braces in \(position): write a parameter as {name}")
                }
                guard part.first == UInt8(ascii: "{"), part.last == UInt8(ascii: "}") else {
                    throw .invalid(text, "a parameter is a whole segment, but \(position) has text around its braces")
                }
                let name = String(decoding: part.dropFirst().dropLast(), as: UTF8.self)
                guard !name.isEmpty else {
                    throw .invalid(text, "empty parameter name {} in \(position)")
                }
                guard name.utf8.allSatisfy(RoutePattern.isNameByte) else {
                    throw .invalid(text, "parameter name \(String(reflecting: name)) in \(position) may only have letters, digits, \"_\", \"-\" and \".\"")
                }
                guard !names.contains(name) else {
                    throw .invalid(text, "duplicate parameter name \(String(reflecting: name)) in \(position)")
                }
                names.append(name)
                segments.append(.parameter(name))
            } else if part.elementsEqual("*".utf8) {
                guard isLast else {
                    throw .invalid(text, "the catch-all \"*\" must be the last segment, but it is \(position) of \(parts.count)")
                }
                names.append("*")
                segments.append(.catchAll)
            } else if part.contains(UInt8(ascii: "*")) {
                throw .invalid(text, "\"*\" is only allowed as a whole last segment (the catch-all), not inside \(position)")
            } else if let bad = part.first(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
                throw .invalid(text, "\(String(reflecting: String(UnicodeScalar(bad)))) in \(position): a pattern is a path, without query or fragment")
            } else {
                segments.append(.literal(Array(part)))
            }
        }
        self.segments = segments
        self.parameterNames = names
    }

    /// The pattern with parameter names erased: equal for patterns that conflict.
    var shape: String { "/" + segments.map(\.shape).joined(separator: "/") }

    static func isNameByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }
}
