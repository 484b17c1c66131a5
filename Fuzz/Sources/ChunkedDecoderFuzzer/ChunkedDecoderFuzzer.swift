import FuzzSupport
import ProntoHTTP

// The chunked decoder on arbitrary bytes: every call returns and consumes only its input,
// every data range lies inside the input and is not empty, the decoded total never passes
// the body limit and matches `bodyLength`, the split of the bytes into reads does not
// change the body or the outcome, and an error or the end is final.

/// A small body limit, so that a short input reaches the 413 check.
let tightLimits = HTTPLimits(maxRequestLineLength: 64, maxHeaderSectionSize: 48, maxHeaderCount: 4, maxBodySize: 40)

/// The test libFuzzer runs on each input (see main.swift).
func fuzzChunkedDecoder(_ bytes: UnsafeRawBufferPointer) {
    for limits in [HTTPLimits.default, tightLimits] {
        let whole = decode(bytes, cuts: [], limits: limits)
        let split = decode(bytes, cuts: cuts(count: bytes.count, seed: bytes, pieces: 4), limits: limits)
        check(split.body == whole.body && split.error == whole.error && split.finished == whole.finished,
            "split outcome \(split) != whole \(whole)")
        // Where the body ends does not depend on the reads either.
        check(!whole.finished || split.consumed == whole.consumed, "the body ends at \(split.consumed) split, \(whole.consumed) whole")
        check(whole.body.count <= limits.maxBodySize, "\(whole.body.count) body bytes over the limit \(limits.maxBodySize)")
    }
}

struct Decoded: Equatable {
    var body: [UInt8] = []
    var consumed = 0
    var error: HTTPParseError.Kind?
    var finished = false
}

/// Feeds the bytes up to each cut, then all of them, the way the engine does: what a call
/// consumed is gone, the rest is passed again with what arrived since.
func decode(_ bytes: UnsafeRawBufferPointer, cuts: [Int], limits: HTTPLimits) -> Decoded {
    var decoder = ChunkedBodyDecoder(limits: limits)
    var result = Decoded()
    var available = 0
    var calls = 0
    for end in cuts + [bytes.count] where end >= available {
        available = end
        while true {
            calls += 1
            // Each call makes progress or stops: more calls than bytes means a loop.
            check(calls <= 2 * bytes.count + 2 * (cuts.count + 1), "the decoder loops: \(calls) calls for \(bytes.count) bytes")
            let input = UnsafeRawBufferPointer(rebasing: bytes[result.consumed..<available])
            switch decoder.decode(input) {
            case .data(let range, let consumed):
                check(!range.isEmpty && range.lowerBound >= 0 && range.upperBound <= input.count, "data range \(range) of \(input.count) bytes")
                check(consumed >= range.upperBound && consumed <= input.count, "consumed \(consumed) for data \(range) of \(input.count)")
                result.body += input[range]
                result.consumed += consumed
                // `bodyLength` counts the chunk sizes announced, the current chunk's included.
                check(result.body.count <= decoder.bodyLength && decoder.bodyLength <= limits.maxBodySize,
                    "\(result.body.count) bytes given, bodyLength \(decoder.bodyLength), limit \(limits.maxBodySize)")
            case .needMore(let consumed):
                check(consumed == input.count, "needMore consumed \(consumed) of \(input.count)")
                result.consumed += consumed
                if end == bytes.count { return result }
            case .end(let consumed):
                check(consumed <= input.count, "end after \(consumed) of \(input.count)")
                check(decoder.isFinished, "end but not finished")
                check(decoder.bodyLength == result.body.count, "the body ended with \(result.body.count) bytes given of \(decoder.bodyLength)")
                result.consumed += consumed
                result.finished = true
                // Final: a further call ends again at once.
                check(decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[result.consumed...])) == .end(consumed: 0), "end is not final")
                return result
            case .error(let error):
                result.error = error.kind
                check(decoder.decode(input) == .error(error), "an error is not final")
                return result
            }
            if result.consumed == available { break }
        }
    }
    return result
}
