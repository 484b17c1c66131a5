import FuzzSupport
import ProntoHTTP

// The request-head parser on arbitrary bytes: it never crashes or reads outside its input
// (AddressSanitizer), the SIMD and the scalar scanner agree, the split of the bytes into
// reads does not change the outcome, a complete head only points inside itself, pipelined
// heads parse the same with a reused parser as with a fresh one, and tight limits are
// enforced the same way by both scanners.

/// Small limits, so that inputs of a few hundred bytes reach every limit check.
let tightLimits = HTTPLimits(maxRequestLineLength: 40, maxHeaderSectionSize: 96, maxHeaderCount: 3, maxBodySize: 16)

/// The test libFuzzer runs on each input (see main.swift).
func fuzzRequestParser(_ bytes: UnsafeRawBufferPointer) {
    for limits in [HTTPLimits.default, tightLimits] {
        checkWhole(bytes, limits: limits)
    }
    checkPieces(bytes)
    checkPipeline(bytes)
}

/// One call on all the bytes: both scanners agree, and a head is well formed.
func checkWhole(_ bytes: UnsafeRawBufferPointer, limits: HTTPLimits) {
    var simd = RequestParser(limits: limits, scanner: .simd)
    var scalar = RequestParser(limits: limits, scanner: .scalar)
    let simdResult = simd.parse(bytes)
    let scalarResult = scalar.parse(bytes)
    check(ParseSummary(simdResult) == ParseSummary(scalarResult), "SIMD \(ParseSummary(simdResult)) != scalar \(ParseSummary(scalarResult))")
    if case .complete(let head) = simdResult { checkHead(head, in: bytes, limits: limits) }
    // An error is final: the same parser says it again.
    if case .error(let first) = simdResult {
        guard case .error(let again) = simd.parse(bytes) else { return check(false, "an error was not final") }
        check(first.kind == again.kind, "a second call gave another error")
    }
}

/// The bytes arriving in pieces (growing prefixes of the same memory, as a connection
/// passes its read buffer): the outcome is the one-call outcome.
func checkPieces(_ bytes: UnsafeRawBufferPointer) {
    var whole = RequestParser()
    let expected = ParseSummary(whole.parse(bytes))
    for scanner in [ByteScanner.simd, .scalar] {
        var parser = RequestParser(scanner: scanner)
        var outcome = ParseSummary(.needMore)
        for end in cuts(count: bytes.count, seed: bytes) + [bytes.count] {
            outcome = ParseSummary(parser.parse(UnsafeRawBufferPointer(rebasing: bytes[..<end])))
            if outcome.kind != .needMore { break }
            check(end == bytes.count || parser.isInsideHead || bytes[..<end].allSatisfy { $0 == 0x0D || $0 == 0x0A },
                "a prefix of \(end) bytes with content is not inside a head")
        }
        check(outcome == expected, "\(scanner) in pieces: \(outcome) != whole \(expected)")
    }
}

/// Heads one after the other in the same bytes, as pipelined requests: the parser reused
/// after each head (its header storage kept) parses the next one as a fresh parser does.
func checkPipeline(_ bytes: UnsafeRawBufferPointer) {
    var reused = RequestParser()
    var offset = 0
    for _ in 0..<8 {
        let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        var fresh = RequestParser()
        let expected = ParseSummary(fresh.parse(rest))
        let result = reused.parse(rest)
        check(ParseSummary(result) == expected, "reused parser at \(offset): \(ParseSummary(result)) != fresh \(expected)")
        guard case .complete(let head) = result else { return }
        offset += head.length
    }
}
