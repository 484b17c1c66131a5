/// Byte classes of RFC 9110/9112, as 256-entry tables: one load and one test per byte
/// on the hot path instead of a chain of comparisons.
@usableFromInline
enum CharacterClass {
    /// `tchar` (RFC 9110 §5.6.2): the characters of a token (method, field name, coding).
    @usableFromInline
    static let token: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte))
        }
    }

    /// The bytes a request-target may contain (RFC 3986 characters, `%` escapes included):
    /// visible ASCII; no space, no control, no obs-text.
    @usableFromInline
    static let target: [Bool] = (0..<256).map { byte in
        byte > 0x20 && byte < 0x7F
    }

    /// The bytes of a Host value (RFC 9110 §7.2, RFC 3986 §3.2.2): `uri-host [":" port]`,
    /// where a host is a reg-name (unreserved, sub-delims, `%` escapes) or a bracketed IP literal.
    @usableFromInline
    static let host: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "-._~!$&'()*+,;=%:[]".utf8.contains(UInt8(byte))
        }
    }

    @inlinable
    static func isToken(_ byte: UInt8) -> Bool {
        token.withUnsafeBufferPointer { $0[Int(byte)] }
    }

    /// ASCII lowercase, for case-insensitive comparisons of tokens.
    @inlinable
    static func lower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}

extension UInt8 {
    @usableFromInline static let cr = UInt8(ascii: "\r")
    @usableFromInline static let lf = UInt8(ascii: "\n")
    @usableFromInline static let space = UInt8(ascii: " ")
    @usableFromInline static let tab = UInt8(ascii: "\t")
    @usableFromInline static let colon = UInt8(ascii: ":")
}
