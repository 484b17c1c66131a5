/// A plain reading of the router's documented rules, for comparison: split the path on
/// raw `/`, compare each segment percent-decoded with a literal, a parameter takes one
/// non-empty segment, the catch-all takes the rest (possibly empty). Of the routes that
/// match, the one with the method and the lowest `precedence` wins; for HEAD, a GET route
/// stands in where no HEAD route has the same precedence (as Tests/ProntoTests/Routing's
/// naive router reads the rules).
struct ReferencePattern {
    enum Segment: Equatable {
        case literal([UInt8])
        case parameter
        case catchAll
    }

    let segments: [Segment]

    /// The segments of a pattern the router accepted (`/` then segments split on `/`).
    init(_ text: String) {
        segments = Array(text.utf8).dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { part in
            if part.first == UInt8(ascii: "{") { return .parameter }
            if part.elementsEqual("*".utf8) { return .catchAll }
            return .literal(Array(part))
        }
    }

    /// The kind of each segment, for precedence: at the first segment where two routes
    /// differ, a literal (0) comes before a parameter (1), a parameter before the catch-all (2).
    var precedence: [Int] {
        segments.map { segment in
            switch segment {
            case .literal: 0
            case .parameter: 1
            case .catchAll: 2
            }
        }
    }

    /// Whether the pattern matches `path` (raw bytes, no query).
    func matches(_ path: [UInt8]) -> Bool {
        guard path.first == UInt8(ascii: "/") else { return false }
        let parts = path.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .catchAll:
                return parts.count > index
            case .parameter:
                guard index < parts.count, !parts[index].isEmpty else { return false }
            case .literal(let bytes):
                guard index < parts.count, percentDecoded(Array(parts[index])) == bytes else { return false }
            }
        }
        return parts.count == segments.count
    }
}

/// `%XX` with two hex digits is byte XX; any other `%` stays as it is.
func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexDigit(bytes[i + 1]), let lo = hexDigit(bytes[i + 2]) {
            out.append(hi << 4 | lo)
            i += 3
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    return out
}

func hexDigit(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
}
