import NIOCore

extension ByteBuffer {
    /// Writes `string` as a JSON string literal, quotes included, escaped exactly as
    /// Foundation's `JSONEncoder` does by default (`"`, `\`, `/`, and control characters).
    ///
    /// Hot path: bytes that need no escape are copied in runs, not one at a time.
    public mutating func writeJSONString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            writeInteger(UInt8(ascii: "\""))
            var runStart = 0
            for i in 0..<utf8.count {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") else {
                    continue
                }
                if runStart < i { writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart..<i])) }
                runStart = i + 1
                switch byte {
                case UInt8(ascii: "\""): writeStaticString("\\\"")
                case UInt8(ascii: "\\"): writeStaticString("\\\\")
                case UInt8(ascii: "/"): writeStaticString("\\/")
                case 0x0A: writeStaticString("\\n")
                case 0x0D: writeStaticString("\\r")
                case 0x09: writeStaticString("\\t")
                case 0x08: writeStaticString("\\b")
                case 0x0C: writeStaticString("\\f")
                default:
                    let hex: StaticString = "0123456789abcdef"
                    writeStaticString("\\u00")
                    writeInteger(hex.utf8Start[Int(byte >> 4)])
                    writeInteger(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            if runStart < utf8.count { writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart...])) }
            writeInteger(UInt8(ascii: "\""))
        }
    }
}
