import FuzzSupport
@testable import Pronto

// The WebSocket UTF-8 validator against the standard library's: the same verdict on any
// bytes, whole or fed in pieces; a piece is refused exactly when the bytes so far cannot
// begin valid UTF-8 (RFC 6455 §8.1: fail at once, not at the message's end); and between
// pieces `isComplete` says whether the bytes so far are valid as they are.

/// The test libFuzzer runs on each input (see main.swift).
func fuzzUTF8(_ bytes: UnsafeRawBufferPointer) {
    let valid = UTF8Reference.isValid(bytes)
    check(UTF8Validator.isValid(bytes) == valid, "the validator says \(!valid) for \(Array(bytes))")
    var validator = UTF8Validator()
    var start = 0
    for end in cuts(count: bytes.count, seed: bytes, pieces: 4) + [bytes.count] where end >= start {
        let accepted = validator.validate(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        let soFar = Array(bytes[..<end])
        guard accepted else {
            check(!UTF8Reference.isPrefixOfValid(soFar), "refused \(soFar), which can begin valid UTF-8")
            check(!valid, "refused a piece of valid UTF-8")
            return
        }
        check(UTF8Reference.isPrefixOfValid(soFar), "accepted \(soFar), which cannot begin valid UTF-8")
        check(validator.isComplete == UTF8Reference.isValid(soFar), "isComplete is \(validator.isComplete) after \(soFar)")
        start = end
    }
    check(valid == validator.isComplete, "fed in pieces, the verdict differs from the whole one")
}
