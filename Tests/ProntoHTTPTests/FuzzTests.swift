import ProntoHTTP
import Testing

// Bounded, seeded fuzzing: random bytes and mutated valid requests never crash the parser
// or the chunked decoder, every call returns, the SIMD and scalar scanners agree, the split
// does not matter, and a complete head only points inside itself.

@Suite("Fuzz")
struct FuzzTests {
    /// Bytes drawn mostly from the ones that matter to the grammar.
    static let interesting: [UInt8] = Array("\r\n\r\n :\t;,/?*HTTP/1.01chunkedContent-LengthHost0123456789abcdefxX".utf8) + [0x00, 0x7F, 0x80, 0xFF, 0x0B]

    static func randomBytes(_ rng: inout SeededRNG) -> [UInt8] {
        let count = Int.random(in: 0...300, using: &rng)
        return (0..<count).map { _ in
            Bool.random(using: &rng) ? Self.interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        }
    }

    static func mutate(_ input: [UInt8], _ rng: inout SeededRNG) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0...5, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[position] = interesting.randomElement(using: &rng)!
            case 1 where !bytes.isEmpty: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            case 2: bytes.insert(interesting.randomElement(using: &rng)!, at: position)
            case 3 where !bytes.isEmpty: bytes.remove(at: position)
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default:
                bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    /// Checks everything that must hold for any input, and returns the outcome.
    @discardableResult
    func check(_ bytes: [UInt8], _ rng: inout SeededRNG, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
        let simd = parseBytes(bytes, scanner: .simd)
        let scalar = parseBytes(bytes, scanner: .scalar)
        #expect(simd == scalar, "\(bytes)", sourceLocation: sourceLocation)
        let cuts = bytes.isEmpty ? [] : (0..<3).map { _ in Int.random(in: 0...bytes.count, using: &rng) }.sorted()
        #expect(parseInPieces(bytes, cuts: cuts) == simd, "cuts \(cuts) of \(bytes)", sourceLocation: sourceLocation)

        // A complete head lies inside the bytes, ends with the blank line, and every range is inside it.
        var parser = RequestParser()
        bytes.withUnsafeBytes { raw in
            guard case .complete(let head) = parser.parse(raw) else { return }
            #expect(head.length <= raw.count && head.length >= 4, sourceLocation: sourceLocation)
            #expect(Array(raw[(head.length - 4)..<head.length]) == Array("\r\n\r\n".utf8), sourceLocation: sourceLocation)
            var ranges = [head.methodRange, head.targetRange, head.pathRange]
            ranges += [head.queryRange, head.authorityRange, head.hostRange, head.upgradeRange].compactMap { $0 }
            ranges += head.headers.flatMap { [$0.name, $0.value] }
            for range in ranges {
                #expect(range.lowerBound <= range.upperBound && Int(range.upperBound) <= head.length, sourceLocation: sourceLocation)
            }
            #expect(head.headers.count <= HTTPLimits.default.maxHeaderCount, sourceLocation: sourceLocation)
            #expect(!(head.isChunked && head.contentLength != nil), sourceLocation: sourceLocation)
        }
        return simd
    }

    @Test("random bytes: no crash, every call returns, simd == scalar == split")
    func randomInput() async {
        var rng = SeededRNG(seed: 0xF0F0)
        for index in 0..<3000 {
            if index % 64 == 0 { await Task.yield() }
            check(Self.randomBytes(&rng), &rng)
        }
    }

    @Test("random bytes after a valid request line and Host")
    func randomHeaders() async {
        var rng = SeededRNG(seed: 0xF1F1)
        for index in 0..<2000 {
            if index % 64 == 0 { await Task.yield() }
            let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8) + Self.randomBytes(&rng) + Array("\r\n\r\n".utf8)
            check(bytes, &rng)
        }
    }

    @Test("mutated valid requests: no crash, simd == scalar == split, heads stay inside their bytes")
    func mutatedRequests() async {
        var rng = SeededRNG(seed: 0xF2F2)
        var generator = OracleGenerator(seed: 0xF3F3)
        let seeds = requestCorpus.map { Array($0.utf8) } + (0..<200).map { _ in generator.next().bytes }
        var completed = 0
        for index in 0..<4000 {
            // A long CPU-bound loop: yielding lets the other tests' tasks (live servers' clients) run.
            if index % 64 == 0 { await Task.yield() }
            let outcome = check(Self.mutate(seeds.randomElement(using: &rng)!, &rng), &rng)
            if outcome.head != nil { completed += 1 }
        }
        // Mutations are small: a good share of the results still parse.
        #expect(completed > 500, "\(completed)")
    }

    @Test("chunked decoder on random and mutated input: terminates, stays in bounds, split-independent")
    func chunkedDecoder() async {
        var rng = SeededRNG(seed: 0xF4F4)
        let valid = Array("5;x=y\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nT: v\r\n\r\n".utf8)
        for round in 0..<3000 {
            if round % 64 == 0 { await Task.yield() }
            let bytes = round % 2 == 0 ? Self.randomBytes(&rng) : Self.mutate(valid, &rng)
            let whole = decodeChunked(bytes)  // traps if the decoder loops (iteration bound)
            #expect(whole.consumed <= bytes.count)
            #expect(whole.body.count <= bytes.count)
            let cuts = bytes.isEmpty ? [] : (0..<3).map { _ in Int.random(in: 0...bytes.count, using: &rng) }.sorted()
            let split = decodeChunked(bytes, cuts: cuts)
            // (The helper's `consumed` is only meaningful once the body has ended.)
            #expect(split.body == whole.body && split.error == whole.error && split.finished == whole.finished
                && (!whole.finished || split.consumed == whole.consumed), "cuts \(cuts) of \(bytes)")
            // Every data range lies inside the input given.
            var decoder = ChunkedBodyDecoder()
            var position = 0
            var calls = 0
            loop: while position <= bytes.count, calls < 10_000 {
                calls += 1
                let step = bytes.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[position...])) }
                switch step {
                case .data(let range, let consumed):
                    #expect(range.lowerBound >= 0 && range.upperBound <= bytes.count - position && consumed == range.upperBound)
                    #expect(!range.isEmpty)
                    position += consumed
                case .needMore(let consumed):
                    #expect(consumed == bytes.count - position)
                    break loop
                case .end(let consumed):
                    #expect(consumed <= bytes.count - position)
                    break loop
                case .error:
                    break loop
                }
            }
            #expect(calls < 10_000)
        }
    }
}
