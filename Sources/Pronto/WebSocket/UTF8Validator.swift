/// Validates UTF-8 as it arrives, byte by byte across fragments (RFC 6455 §8.1: a text
/// message must be valid UTF-8, and an endpoint fails the connection as soon as it sees that
/// it is not, without waiting for the message's end). Follows RFC 3629's table: no overlong
/// forms, no surrogates (U+D800–DFFF), nothing above U+10FFFF.
struct UTF8Validator {
    /// Continuation bytes still expected for the current character.
    private var remaining = 0
    /// The allowed range of the next byte (narrower than 80–BF right after some lead bytes).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// True between characters: a message may end here.
    var isComplete: Bool { remaining == 0 }

    /// Feeds `bytes`; false at the first byte that cannot be part of valid UTF-8.
    mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            if remaining == 0 {
                if byte < 0x80 {
                    // ASCII runs are the common case: skip them 8 bytes at a time.
                    while index + 8 <= count, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                        index += 8
                    }
                    continue
                }
                switch byte {
                case 0xC2...0xDF: remaining = 1; lower = 0x80; upper = 0xBF
                case 0xE0: remaining = 2; lower = 0xA0; upper = 0xBF
                case 0xE1...0xEC, 0xEE, 0xEF: remaining = 2; lower = 0x80; upper = 0xBF
                case 0xED: remaining = 2; lower = 0x80; upper = 0x9F
                case 0xF0: remaining = 3; lower = 0x90; upper = 0xBF
                case 0xF1...0xF3: remaining = 3; lower = 0x80; upper = 0xBF
                case 0xF4: remaining = 3; lower = 0x80; upper = 0x8F
                default: return false
                }
            } else {
                guard byte >= lower, byte <= upper else { return false }
                remaining -= 1
                lower = 0x80
                upper = 0xBF
            }
        }
        return true
    }

    /// Validates a whole buffer at once.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) && validator.isComplete
    }
}
