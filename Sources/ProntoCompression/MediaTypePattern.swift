import Pronto

/// One entry of ``CompressionMiddleware/contentTypes``: `type/subtype` (exact),
/// `type/*` (any subtype), or `type/*+suffix` (a structured syntax suffix such as
/// `application/*+json`); `*` as the type matches every type. Names compare ignoring case;
/// a Content-Type's parameters (`; charset=utf-8`) are ignored.
struct MediaTypePattern: Sendable {
    enum Subtype: Sendable {
        case any
        case exact([UInt8])
        case suffix([UInt8])  // with its "+"
    }

    /// The type, lowercased; nil for `*`.
    let type: [UInt8]?
    let subtype: Subtype

    /// - Throws: `ConfigurationError` for a pattern without a `/`, or with `*` where it
    ///   cannot stand.
    init(_ pattern: String) throws {
        let lowered = pattern.lowercased()
        let parts = lowered.split(separator: "/", omittingEmptySubsequences: false)
        func invalid() -> ConfigurationError {
            ConfigurationError(
                property: "CompressionMiddleware.contentTypes", value: pattern, quoted: true,
                expected: #"a media type ("application/json"), a type with any subtype ("text/*"), or a suffix ("application/*+json")"#)
        }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw invalid() }
        type = parts[0] == "*" ? nil : Array(parts[0].utf8)
        if parts[1] == "*" {
            subtype = .any
        } else if parts[1].hasPrefix("*+"), parts[1].count > 2 {
            subtype = .suffix(Array(parts[1].dropFirst().utf8))
        } else if parts[1].contains("*") || (parts[0].contains("*") && parts[0] != "*") {
            throw invalid()
        } else {
            subtype = .exact(Array(parts[1].utf8))
        }
        if type == nil, case .exact = subtype { throw invalid() }  // "*/json" means nothing
    }

    /// Whether the media type of a Content-Type value matches; allocates nothing for a
    /// native string.
    func matches(_ contentType: String) -> Bool {
        var contentType = contentType
        return contentType.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }

    private func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // The media type runs to the first ";" or whitespace; the type to its "/".
        var end = 0
        while end < bytes.count, bytes[end] != UInt8(ascii: ";"), bytes[end] != UInt8(ascii: " "), bytes[end] != UInt8(ascii: "\t") {
            end += 1
        }
        guard let slash = bytes[..<end].firstIndex(of: UInt8(ascii: "/")) else { return false }
        if let type, !Self.equalIgnoringCase(bytes[0..<slash], type) { return false }
        let sub = bytes[(slash + 1)..<end]
        switch subtype {
        case .any: return !sub.isEmpty
        case .exact(let name): return Self.equalIgnoringCase(sub, name)
        case .suffix(let suffix):
            return sub.count > suffix.count && Self.equalIgnoringCase(sub.suffix(suffix.count), suffix)
        }
    }

    /// `bytes` equals `lowered` (already lowercase) ignoring ASCII case.
    private static func equalIgnoringCase(_ bytes: Slice<UnsafeRawBufferPointer>, _ lowered: [UInt8]) -> Bool {
        bytes.count == lowered.count && zip(bytes, lowered).allSatisfy { a, b in
            (a >= UInt8(ascii: "A") && a <= UInt8(ascii: "Z") ? a | 0x20 : a) == b
        }
    }
}
