/// A content coding a static file may have been compressed with ahead of time, served from
/// a sibling file (`app.js.br`, `app.js.gz`) instead of compressing per request.
public enum ContentCoding: String, Sendable, Hashable, CaseIterable {
    /// Brotli, `Content-Encoding: br`, from `<file>.br`.
    case brotli = "br"
    /// Gzip, `Content-Encoding: gzip`, from `<file>.gz`.
    case gzip = "gzip"

    /// The `Content-Encoding` header value.
    public var headerValue: String { rawValue }

    /// The extension of the sibling file, with its dot.
    public var fileExtension: String {
        switch self {
        case .brotli: ".br"
        case .gzip: ".gz"
        }
    }

    /// Appended to the entity tag of this representation, so each encoding has its own.
    var tagSuffix: String {
        switch self {
        case .brotli: "br"
        case .gzip: "gz"
        }
    }
}

/// The codings a request accepts, from its `Accept-Encoding` (RFC 9110 §12.5.3).
struct AcceptEncoding: Sendable {
    /// Each listed coding (lowercased) with its weight, 0...1000 (q=1 is 1000).
    private var weights: [(coding: Substring, weight: Int)] = []

    /// No header at all: any coding is acceptable by the RFC, but a client that does not
    /// say what it decodes gets identity here, as every server does (old clients and tools
    /// send no header and could not decode).
    init(_ header: String?) {
        guard let header else { return }
        for element in header.lowercased().split(separator: ",") {
            var parts = element.split(separator: ";")
            guard let name = parts.first?.trimmingWhitespace(), !name.isEmpty else { continue }
            parts.removeFirst()
            var weight = 1000
            for parameter in parts {
                let parameter = parameter.trimmingWhitespace()
                guard parameter.hasPrefix("q=") else { continue }
                weight = Self.qvalue(parameter.dropFirst(2)) ?? 0
            }
            weights.append((name, weight))
        }
    }

    /// The weight of `coding`: its own entry, else `*`'s, else 0 (not acceptable).
    func weight(of coding: ContentCoding) -> Int {
        var wildcard = 0
        for entry in weights {
            if entry.coding == coding.rawValue || (coding == .gzip && entry.coding == "x-gzip") { return entry.weight }
            if entry.coding == "*" { wildcard = entry.weight }
        }
        return wildcard
    }

    /// The codings acceptable to the request among `offered`, best first: higher weight
    /// first, ties in `offered`'s order (the server's preference, brotli before gzip).
    func preferred(among offered: [ContentCoding]) -> [ContentCoding] {
        offered.enumerated()
            .map { (coding: $0.element, order: $0.offset, weight: weight(of: $0.element)) }
            .filter { $0.weight > 0 }
            .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.order < $1.order }
            .map(\.coding)
    }

    /// A qvalue (`0`, `0.5`, `1`, `1.000`) in thousandths; nil when malformed.
    static func qvalue(_ text: Substring) -> Int? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var value = Int(first - UInt8(ascii: "0")) * 1000
        guard bytes.count > 1 else { return value }
        guard bytes[1] == UInt8(ascii: "."), bytes.count <= 5 else { return nil }
        var scale = 100
        for byte in bytes[2...] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value += Int(byte - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return min(value, 1000)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}
