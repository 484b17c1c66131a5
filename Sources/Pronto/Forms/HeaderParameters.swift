/// A header value of the shape `value; name=token; name="quoted string"` (RFC 9110 §5.6.6),
/// as `Content-Type` and `Content-Disposition` (RFC 6266) are: the value and its
/// parameters, names lowercased.
struct HeaderParameters: Sendable {
    /// What comes before the first `;`, lowercased (`multipart/form-data`, `form-data`).
    var value: String
    var parameters: [(name: String, value: String)]

    /// The first parameter named `name` (lowercase).
    subscript(name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Parses `text`; nil when a parameter is malformed (no `=`, a name that is not a
    /// token, an unterminated quoted string).
    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        func skipSpaces() {
            while let byte = bytes.first, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { bytes = bytes.dropFirst() }
        }
        skipSpaces()
        let end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        value = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        value = String(value[...].trimmingASCIISpaces())
        bytes = bytes[end...]
        parameters = []
        while bytes.first == UInt8(ascii: ";") {
            bytes = bytes.dropFirst()
            skipSpaces()
            if bytes.isEmpty { break }  // a trailing `;` is harmless
            let nameEnd = bytes.firstIndex { !$0.isHTTPToken } ?? bytes.endIndex
            guard nameEnd > bytes.startIndex, nameEnd < bytes.endIndex, bytes[nameEnd] == UInt8(ascii: "=") else { return nil }
            let name = String(decoding: bytes[..<nameEnd], as: UTF8.self).lowercased()
            bytes = bytes[(nameEnd + 1)...]
            let parameterValue: String
            if bytes.first == UInt8(ascii: "\"") {
                guard let (quoted, rest) = Self.quotedString(bytes.dropFirst()) else { return nil }
                parameterValue = quoted
                bytes = rest
            } else {
                // A token, though browsers and curl send some bytes a token forbids
                // unquoted; take everything up to the next `;`.
                let valueEnd = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
                parameterValue = String(String(decoding: bytes[..<valueEnd], as: UTF8.self)[...].trimmingASCIISpaces())
                bytes = bytes[valueEnd...]
            }
            parameters.append((name, parameterValue))
            skipSpaces()
            guard bytes.isEmpty || bytes.first == UInt8(ascii: ";") else { return nil }
        }
    }

    /// The content of a quoted string after its opening quote, and what follows its closing
    /// one. A backslash escapes only `"` and `\`: browsers do not escape backslashes in
    /// file names (HTML's form encoding turns `"` into `%22` instead), so `C:\dir\a.txt`
    /// keeps its backslashes.
    private static func quotedString(_ bytes: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                return (String(decoding: out, as: UTF8.self), bytes[(index + 1)...])
            }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.endIndex,
                bytes[index + 1] == UInt8(ascii: "\"") || bytes[index + 1] == UInt8(ascii: "\\") {
                index += 1
            }
            out.append(bytes[index])
            index += 1
        }
        return nil
    }
}
