import ProntoHTTP
import Testing

// Shared helpers for the ProntoHTTP tests: parse a request from a string, snapshot a
// head into plain values that compare with `==`, feed bytes in pieces, and a seeded RNG.

/// Everything a parsed head says, as plain values (a `RequestHead` only holds offsets).
struct HeadSnapshot: Equatable, CustomStringConvertible {
    var method: HTTPMethod
    var methodName: String
    var target: String
    var targetForm: TargetForm
    var path: String
    var query: String?
    var authority: String?
    var version: HTTPVersion
    var headers: [Pair]
    var host: String?
    var contentLength: Int?
    var isChunked: Bool
    var keepAlive: Bool
    var expectsContinue: Bool
    var upgrade: String?
    var connectionUpgrade: Bool
    var length: Int

    struct Pair: Equatable, CustomStringConvertible {
        var name: String
        var value: String
        var description: String { "\(name): \(value)" }
    }

    init(_ head: RequestHead, _ bytes: UnsafeRawBufferPointer) {
        func s(_ r: ByteRange) -> String { head.string(r, in: bytes) }
        method = head.method
        methodName = s(head.methodRange)
        target = s(head.targetRange)
        targetForm = head.targetForm
        path = s(head.pathRange)
        query = head.queryRange.map(s)
        authority = head.authorityRange.map(s)
        version = head.version
        headers = head.headers.map { Pair(name: s($0.name), value: s($0.value)) }
        host = head.hostRange.map(s)
        contentLength = head.contentLength
        isChunked = head.isChunked
        keepAlive = head.keepAlive
        expectsContinue = head.expectsContinue
        upgrade = head.upgradeRange.map(s)
        connectionUpgrade = head.connectionUpgrade
        length = head.length
    }

    var description: String {
        "\(methodName) \(target) \(version) \(headers) len=\(length) keepAlive=\(keepAlive) cl=\(String(describing: contentLength)) chunked=\(isChunked)"
    }
}

/// The result of a parse as plain values.
enum Outcome: Equatable, CustomStringConvertible {
    case complete(HeadSnapshot)
    case needMore
    case error(HTTPParseError.Kind)

    init(_ result: RequestParser.Result, _ bytes: UnsafeRawBufferPointer) {
        switch result {
        case .complete(let head): self = .complete(HeadSnapshot(head, bytes))
        case .needMore: self = .needMore
        case .error(let error): self = .error(error.kind)
        }
    }

    var head: HeadSnapshot? {
        if case .complete(let head) = self { return head }
        return nil
    }

    var errorKind: HTTPParseError.Kind? {
        if case .error(let kind) = self { return kind }
        return nil
    }

    var description: String {
        switch self {
        case .complete(let head): "complete(\(head))"
        case .needMore: "needMore"
        case .error(let kind): "error(\(kind))"
        }
    }
}

extension Array where Element == UInt8 {
    init(_ string: String) { self = Array(string.utf8) }
}

/// Parses `bytes` in one call with a fresh parser.
func parseBytes(_ bytes: [UInt8], limits: HTTPLimits = .default, scanner: ByteScanner = .simd) -> Outcome {
    var parser = RequestParser(limits: limits, scanner: scanner)
    return bytes.withUnsafeBytes { Outcome(parser.parse($0), $0) }
}

/// Parses `string` in one call with a fresh parser.
func parse(_ string: String, limits: HTTPLimits = .default, scanner: ByteScanner = .simd) -> Outcome {
    parseBytes(Array(string.utf8), limits: limits, scanner: scanner)
}

/// Feeds growing prefixes of `bytes` ending at each of `cuts` (ascending), then the whole,
/// to one parser, as a connection would; stops at the first result that is not `needMore`.
func parseInPieces(_ bytes: [UInt8], cuts: [Int], limits: HTTPLimits = .default, scanner: ByteScanner = .simd) -> Outcome {
    var parser = RequestParser(limits: limits, scanner: scanner)
    for end in cuts + [bytes.count] {
        let outcome = bytes.withUnsafeBytes { Outcome(parser.parse(UnsafeRawBufferPointer(rebasing: $0[..<end])), $0) }
        if outcome != .needMore { return outcome }
    }
    return .needMore
}

/// Parses `string` and returns the head, recording an issue if it is not complete.
func parseHead(_ string: String, limits: HTTPLimits = .default, sourceLocation: SourceLocation = #_sourceLocation) -> HeadSnapshot? {
    let outcome = parse(string, limits: limits)
    guard let head = outcome.head else {
        Issue.record("expected a complete head, got \(outcome) for \(string.debugDescription)", sourceLocation: sourceLocation)
        return nil
    }
    return head
}

/// Expects `string` to be refused with exactly `kind` and `status`, with the simd and the scalar scanner.
func expectError(
    _ string: String, _ kind: HTTPParseError.Kind, status: Int, limits: HTTPLimits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for scanner in [ByteScanner.simd, .scalar] {
        let outcome = parse(string, limits: limits, scanner: scanner)
        #expect(outcome == .error(kind), "\(scanner) for \(string.debugDescription)", sourceLocation: sourceLocation)
    }
    #expect(HTTPParseError(kind).status == status, "status of \(kind)", sourceLocation: sourceLocation)
}

/// A request with the given request line and field lines, each ended by CRLF, then the blank line.
func request(_ requestLine: String, _ fields: String...) -> String {
    ([requestLine] + fields).map { $0 + "\r\n" }.joined() + "\r\n"
}

/// SplitMix64: a tiny seeded generator, so every random test is reproducible.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Decodes a whole chunked body held in `bytes`, fed in pieces ending at `cuts`, the way an
/// engine would: keep the unconsumed tail and call again when more arrives.
/// Returns the body, the bytes consumed in total, or the error.
func decodeChunked(
    _ bytes: [UInt8], cuts: [Int] = [], limits: HTTPLimits = .default
) -> (body: [UInt8], consumed: Int, error: HTTPParseError.Kind?, finished: Bool) {
    var decoder = ChunkedBodyDecoder(limits: limits)
    var body: [UInt8] = []
    var position = 0
    var available = 0
    var iterations = 0
    for end in cuts + [bytes.count] where end > available {
        available = end
        steps: while position <= available {
            iterations += 1
            precondition(iterations < 1_000_000, "decoder loops")
            let step = bytes.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[position..<available])) }
            switch step {
            case .data(let range, let consumed):
                body += bytes[(position + range.lowerBound)..<(position + range.upperBound)]
                position += consumed
            case .needMore(let consumed):
                position += consumed
                break steps
            case .end(let consumed):
                return (body, position + consumed, nil, true)
            case .error(let error):
                return (body, position, error.kind, false)
            }
        }
    }
    return (body, position, nil, false)
}
