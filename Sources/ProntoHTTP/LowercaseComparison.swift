// Case-insensitive comparisons of head bytes with lowercase literals, for the parser's
// recognition of framing headers and methods (hot path).

/// Compares the bytes at `start` with a lowercase ASCII literal, ignoring case.
/// The caller guarantees `literal.utf8CodeUnitCount` bytes are readable at `start`.
@inline(__always)
func equalsLowercase(_ p: UnsafeRawPointer, _ start: Int, _ literal: StaticString) -> Bool {
    literal.withUTF8Buffer { lit in
        for i in 0..<lit.count where CharacterClass.lower(p.load(fromByteOffset: start &+ i, as: UInt8.self)) != lit[i] {
            return false
        }
        return true
    }
}

/// ``equalsLowercase(_:_:_:)`` a word at a time for literals of 4 to 16 bytes (the framing
/// header names and values): two loads, ORed with 0x20 in every byte, compared with the
/// literal's words (constants the compiler folds). Exact for literals made of lowercase
/// letters, digits and '-': OR 0x20 maps only a letter's two cases to that letter, and
/// leaves a digit or '-' unchanged, except from control bytes a line cannot hold.
/// Other lengths fall back to the byte loop.
@inline(__always)
func equalsLowercaseWords(_ p: UnsafeRawPointer, _ start: Int, _ literal: StaticString) -> Bool {
    let n = literal.utf8CodeUnitCount
    let l = UnsafeRawPointer(literal.utf8Start)
    if n >= 8, n <= 16 {
        let fold: UInt64 = 0x2020_2020_2020_2020
        // Bounds: both words lie within start..<start+n (n >= 8), which the caller guarantees.
        return p.loadUnaligned(fromByteOffset: start, as: UInt64.self) | fold == l.loadUnaligned(as: UInt64.self)
            && p.loadUnaligned(fromByteOffset: start &+ n &- 8, as: UInt64.self) | fold
                == l.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    }
    if n >= 4, n < 8 {
        let fold: UInt32 = 0x2020_2020
        return p.loadUnaligned(fromByteOffset: start, as: UInt32.self) | fold == l.loadUnaligned(as: UInt32.self)
            && p.loadUnaligned(fromByteOffset: start &+ n &- 4, as: UInt32.self) | fold
                == l.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
    }
    return equalsLowercase(p, start, literal)
}
