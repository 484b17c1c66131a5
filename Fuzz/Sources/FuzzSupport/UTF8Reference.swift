/// Standard library references for UTF-8 validation.
public enum UTF8Reference {
    /// Whether `bytes` are valid UTF-8, by the standard library's own validation.
    public static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        String(validating: Array(bytes), as: UTF8.self) != nil
    }

    /// Whether `bytes` can begin valid UTF-8: some ending of at most 3 bytes makes them
    /// valid (one that fails here is refused at its first bad byte, RFC 6455 §8.1).
    public static func isPrefixOfValid(_ bytes: [UInt8]) -> Bool {
        // Continuation bytes at the edges of every lead byte's allowed range.
        let endings: [UInt8] = [0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF]
        var candidates: [[UInt8]] = [[]]
        for _ in 0..<3 {
            if candidates.contains(where: { isValid(bytes + $0) }) { return true }
            candidates = candidates.flatMap { ending in endings.map { ending + [$0] } }
        }
        return candidates.contains { isValid(bytes + $0) }
    }
}
