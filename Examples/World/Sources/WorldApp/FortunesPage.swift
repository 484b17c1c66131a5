import Pronto

/// TechEmpower's fortunes page, written straight into the response buffer with every
/// message HTML-escaped.
///
/// Hand-written rather than a template engine on purpose: `/fortunes` is a benchmarked hot
/// path, and writing the fixed markup and the escaped text into the output buffer costs no
/// intermediate `String` and no allocation beyond the rows themselves.
public struct FortunesPage: ResponseBodyWriter {
    public let fortunes: [Fortune]

    /// `fortunes` in the order given (``sortedForPage(_:)`` makes TechEmpower's order).
    public init(fortunes: [Fortune]) {
        self.fortunes = fortunes
    }

    /// The rows the page shows: the table's plus the one added at request time, sorted
    /// by message (by Unicode scalar values, as TechEmpower's reference does).
    public static func sortedForPage(_ rows: [Fortune]) -> [Fortune] {
        var rows = rows
        rows.append(Fortune.addedAtRequestTime)
        rows.sort { $0.message.unicodeScalars.lexicographicallyPrecedes($1.message.unicodeScalars) }
        return rows
    }

    public func write(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>")
        for fortune in fortunes {
            buffer.writeStaticString("<tr><td>")
            buffer.writeString(String(fortune.id))
            buffer.writeStaticString("</td><td>")
            Self.writeEscaped(fortune.message, into: &buffer)
            buffer.writeStaticString("</td></tr>")
        }
        buffer.writeStaticString("</table></body></html>")
    }

    /// Writes `text` with `& < > " '` replaced by their character references (the five
    /// OWASP recommends for element content and attribute values alike).
    public static func writeEscaped(_ text: String, into buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let replacement: StaticString
                switch bytes[index] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&#39;"
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                buffer.writeStaticString(replacement)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }
}

extension Response {
    /// The fortunes page for these rows, as `text/html; charset=utf-8`.
    public static func fortunes(_ rows: [Fortune]) -> Response {
        Response(contentType: "text/html; charset=utf-8", body: .writer(FortunesPage(fortunes: rows)))
    }
}
