/// Byte classes of RFC 9110/9112 as 128-bit masks (two words): a test is a shift and an
/// AND in registers. (A global lookup array costs a lazy-initialisation check and a
/// retain/release around every access, which showed up as the parser's top cost.)
@usableFromInline
enum CharacterClass {
    /// Bit b of the pair is set when byte b is in the class; bytes >= 128 never are.
    @inline(__always) @usableFromInline
    static func test(_ byte: UInt8, _ low: UInt64, _ high: UInt64) -> Bool {
        byte < 64 ? (low >> UInt64(byte)) & 1 != 0 : byte < 128 ? (high >> UInt64(byte &- 64)) & 1 != 0 : false
    }

    /// `tchar` (RFC 9110 §5.6.2): digits, letters and ``!#$%&'*+-.^_`|~``.
    @inlinable
    static func isToken(_ byte: UInt8) -> Bool {
        test(byte, 0x03FF_6CFA_0000_0000, 0x57FF_FFFF_C7FF_FFFE)
    }

    /// The bytes a request-target may contain (RFC 3986 characters, `%` escapes included):
    /// visible ASCII; no space, no control, no obs-text.
    @inlinable
    static func isTarget(_ byte: UInt8) -> Bool {
        byte &- 0x21 < 0x5E
    }

    /// The bytes of a Host value (RFC 9110 §7.2, RFC 3986 §3.2.2): `uri-host [":" port]`,
    /// where a host is a reg-name (unreserved, sub-delims, `%` escapes) or a bracketed IP
    /// literal: digits, letters and `-._~!$&'()*+,;=%:[]`.
    @inlinable
    static func isHost(_ byte: UInt8) -> Bool {
        test(byte, 0x2FFF_7FF2_0000_0000, 0x47FF_FFFE_AFFF_FFFE)
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

extension UInt8 {
    /// `tchar` (RFC 9110 §5.6.2), for the framework's own header parsing (multipart part
    /// headers and their parameters), so the class is defined once.
    @inlinable package var isHTTPToken: Bool { CharacterClass.isToken(self) }
}
