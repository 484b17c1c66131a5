/// The header section of one part of a `multipart/form-data` body, and what RFC 7578 reads
/// from it: the field's name and file name (`Content-Disposition`) and its `Content-Type`.
struct MultipartPartHead: Sendable {
    /// The part's headers as sent, names lowercased.
    var headers: [(name: String, value: String)]
    /// The form field's name.
    var name: String
    /// The file name, for a file part; nil for a text field.
    var filename: String?
    /// The part's `Content-Type`, nil when absent (RFC 7578 §4.4: then `text/plain`).
    var contentType: String?

    /// Parses the header section `bytes` (without the blank line ending it).
    /// - Throws: ``HTTPError`` 400 for a malformed header line or a missing or bad
    ///   `Content-Disposition`.
    init(parsing bytes: UnsafeRawBufferPointer) throws(HTTPError) {
        headers = []
        var lineStart = 0
        while lineStart < bytes.count {
            let crlf = Self.firstCRLF(in: bytes, from: lineStart) ?? bytes.count
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<crlf])
            lineStart = crlf + 2
            if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                // Obsolete line folding (RFC 5322 §2.2.3): a continuation of the last value.
                guard !headers.isEmpty else { throw Self.malformed("a part's header section starts with a folded line") }
                headers[headers.count - 1].value += " " + String(String(decoding: line, as: UTF8.self)[...].trimmingASCIISpaces())
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                line[..<colon].allSatisfy(\.isHTTPToken)
            else {
                throw Self.malformed("malformed header line in a part: '\(String(decoding: line.prefix(100), as: UTF8.self))'")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self).lowercased()
            let value = String(decoding: UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]), as: UTF8.self)
            headers.append((name, String(value[...].trimmingASCIISpaces())))
        }

        guard let disposition = headers.first(where: { $0.name == "content-disposition" })?.value else {
            throw Self.malformed("bad Content-Disposition: a part has none (RFC 7578 §4.2 requires 'form-data; name=…')")
        }
        guard let parsed = HeaderParameters(disposition), parsed.value == "form-data", let name = parsed["name"] else {
            throw Self.malformed("bad Content-Disposition '\(disposition.prefix(200))': expected 'form-data; name=\"…\"'")
        }
        self.name = name
        filename = parsed["filename"] ?? parsed["filename*"].flatMap(Self.extendedValue)
        contentType = headers.first { $0.name == "content-type" }?.value
    }

    /// An RFC 8187 value (`UTF-8''na%C3%AFve.txt`), which RFC 7578 §4.2 tells senders not
    /// to use but some still do; nil when it is not UTF-8 or malformed.
    private static func extendedValue(_ text: String) -> String? {
        let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        return FormDecoding.decode(parts[2], plusIsSpace: false)
    }

    private static func firstCRLF(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "\r"), bytes[index + 1] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }

    private static func malformed(_ reason: String) -> HTTPError {
        HTTPError(.badRequest, reason)
    }
}
