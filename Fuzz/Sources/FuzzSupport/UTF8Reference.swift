/// Standard library references for UTF-8 validation.
public enum UTF8Reference {
    /// Whether `bytes` are valid UTF-8, by the standard library's own validation.
    public static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        String(validating: Array(bytes), as: UTF8.self) != nil
    }

    /// Whether `bytes` can begin valid UTF-8: some ending of at most 3 bytes makes them
    /// valid (one that fails here is refused at its first bad byte, RFC 6455 §8.1).
    ///
    /// Two endings per length suffice: after a lead byte the next byte must lie in 80–BF,
    /// or in A0–BF (E0), 80–9F (ED), 90–BF (F0), 80–8F (F4), so 80 or A0 fits every lead;
    /// the bytes after it are 80–BF (RFC 3629 §4).
    public static func isPrefixOfValid(_ bytes: [UInt8]) -> Bool {
        let endings: [[UInt8]] = [[], [0x80], [0xA0], [0x80, 0x80], [0xA0, 0x80], [0x80, 0x80, 0x80], [0xA0, 0x80, 0x80]]
        return endings.contains { isValid(bytes + $0) }
    }
}
