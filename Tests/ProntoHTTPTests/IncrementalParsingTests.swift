import ProntoHTTP
import Testing

// The parser is fed what the connection has so far and keeps its place between calls:
// however the bytes are split, the result is the one of parsing them whole.

@Suite("Incremental parsing")
struct IncrementalParsingTests {
    /// Every position of a short input; for the few inputs of many KiB (made to cross the
    /// limits), every position near their ends and the limits, and a stride in between,
    /// which keeps the test quadratic in a few hundred bytes rather than in 16 KiB.
    func cutPositions(_ count: Int) -> [Int] {
        guard count > 2048 else { return Array(0...count) }
        var cuts = Set(stride(from: 0, through: count, by: 257))
        for anchor in [0, 8192, 16384, count] {
            for cut in (anchor - 40)...(anchor + 40) where cut >= 0 && cut <= count { cuts.insert(cut) }
        }
        return cuts.sorted()
    }

    @Test("every corpus entry split at every byte gives the whole-input result")
    func splitAtEveryByte() {
        for text in requestCorpus {
            let bytes = Array(text.utf8)
            for scanner in [ByteScanner.simd, .scalar] {
                let whole = parseBytes(bytes, scanner: scanner)
                for cut in cutPositions(bytes.count) {
                    let split = parseInPieces(bytes, cuts: [cut], scanner: scanner)
                    if split != whole {
                        Issue.record("\(scanner) cut at \(cut) of \(text.prefix(80).debugDescription): \(split) vs \(whole)")
                        break
                    }
                }
            }
        }
    }

    @Test("every corpus entry split in three at random points gives the whole-input result")
    func splitInThree() {
        var rng = SeededRNG(seed: 3)
        for text in requestCorpus {
            let bytes = Array(text.utf8)
            let whole = parseBytes(bytes)
            for _ in 0..<50 {
                let cuts = [Int.random(in: 0...bytes.count, using: &rng), Int.random(in: 0...bytes.count, using: &rng)].sorted()
                #expect(parseInPieces(bytes, cuts: cuts) == whole, "cuts \(cuts) of \(text.prefix(60).debugDescription)")
            }
        }
    }

    @Test("byte-at-a-time feeding gives the whole-input result")
    func byteAtATime() {
        for text in requestCorpus {
            let bytes = Array(text.utf8)
            let whole = parseBytes(bytes)
            let cuts = bytes.isEmpty ? [] : Array(1..<bytes.count)
            #expect(parseInPieces(bytes, cuts: cuts) == whole, "\(text.prefix(60).debugDescription)")
            #expect(parseInPieces(bytes, cuts: cuts, scanner: .scalar) == whole)
        }
    }

    @Test("a long head fed a byte at a time completes with every field")
    func longHeadByteAtATime() throws {
        let fields = (0..<90).map { "X-Field-\($0): " + String(repeating: "v", count: 150) }
        let text = (["GET /long HTTP/1.1", "Host: a"] + fields).map { $0 + "\r\n" }.joined() + "\r\n"
        let bytes = Array(text.utf8)
        #expect(bytes.count > 14_000)
        let head = try #require(parseInPieces(bytes, cuts: Array(1..<bytes.count)).head)
        #expect(head.headers.count == 91)
        #expect(head.length == bytes.count)
        #expect(head.headers[90].name == "X-Field-89")
    }

    /// White-box proof that a resumed call does not rescan: bytes already scanned are not
    /// looked at again, so changing them between calls (which a real connection never does)
    /// goes unnoticed. A parser that rescanned from the start would see the NUL and fail.
    @Test("a resumed parse continues where the scan stopped, it does not rescan")
    func resumeDoesNotRescan() throws {
        let prefix = Array("GET / HTTP/1.1\r\nHost: a\r\nX-Value: ".utf8) + Array(repeating: UInt8(ascii: "v"), count: 1000)
        var parser = RequestParser()
        let first = prefix.withUnsafeBytes { Outcome(parser.parse($0), $0) }
        #expect(first == .needMore)
        #expect(parser.isInsideHead)

        var tampered = prefix
        tampered[prefix.count - 500] = 0  // a NUL inside the already-scanned part of the value
        tampered += Array("\r\n\r\n".utf8)
        let second = tampered.withUnsafeBytes { Outcome(parser.parse($0), $0) }
        let head = try #require(second.head, "\(second)")
        #expect(head.headers.count == 2)
        #expect(head.headers[1].value.utf8.count == 1000)

        // The same bytes in one call are refused: the NUL is a control character.
        #expect(parseBytes(tampered) == .error(.controlCharacter))
    }

    @Test("complete lines are not parsed again when more bytes arrive")
    func completedLinesNotReparsed() throws {
        let prefix = Array("GET /one HTTP/1.1\r\nHost: a\r\n".utf8)
        var parser = RequestParser()
        #expect(prefix.withUnsafeBytes { Outcome(parser.parse($0), $0) } == .needMore)
        // Overwrite the finished request line with bytes that would not parse.
        var tampered = prefix
        for i in 0..<3 { tampered[i] = UInt8(ascii: "@") }
        tampered += Array("\r\n".utf8)
        let head = try #require(tampered.withUnsafeBytes { Outcome(parser.parse($0), $0) }.head)
        #expect(head.method == .get)  // recognised when the line was parsed, not re-read
        #expect(head.path == "/one")
    }

    @Test("pipelined requests in one buffer: parse, consume head.length (and body), parse again")
    func pipelined() throws {
        let texts = [
            request("GET /1 HTTP/1.1", "Host: a"),
            request("POST /2 HTTP/1.1", "Host: a", "Content-Length: 5") + "hello",
            request("GET /3 HTTP/1.1", "Host: a", "X-Three: 3"),
            request("GET /4 HTTP/1.0"),
        ]
        let bytes = Array(texts.joined().utf8)
        var parser = RequestParser()
        var offset = 0
        var paths: [String] = []
        var bodies: [String] = []
        while offset < bytes.count {
            let outcome = bytes.withUnsafeBytes { raw in
                let slice = UnsafeRawBufferPointer(rebasing: raw[offset...])
                return Outcome(parser.parse(slice), slice)
            }
            let head = try #require(outcome.head, "at \(offset): \(outcome)")
            paths.append(head.path)
            offset += head.length
            let length = head.contentLength ?? 0
            bodies.append(String(decoding: bytes[offset..<(offset + length)], as: UTF8.self))
            offset += length
        }
        #expect(paths == ["/1", "/2", "/3", "/4"])
        #expect(bodies == ["", "hello", "", ""])
        #expect(offset == bytes.count)
    }

    @Test("pipelined requests arriving in arbitrary pieces")
    func pipelinedInPieces() {
        let texts = (0..<20).map { request("GET /r\($0) HTTP/1.1", "Host: a", "X-N: \($0)") }
        let bytes = Array(texts.joined().utf8)
        var rng = SeededRNG(seed: 7)
        for _ in 0..<20 {
            var parser = RequestParser()
            var start = 0
            var available = 0
            var paths: [String] = []
            while available < bytes.count {
                available = min(bytes.count, available + Int.random(in: 1...60, using: &rng))
                while true {
                    let outcome = bytes.withUnsafeBytes { raw in
                        let slice = UnsafeRawBufferPointer(rebasing: raw[start..<available])
                        return Outcome(parser.parse(slice), slice)
                    }
                    guard let head = outcome.head else {
                        #expect(outcome == .needMore)
                        break
                    }
                    paths.append(head.path)
                    start += head.length
                }
            }
            #expect(paths == (0..<20).map { "/r\($0)" })
        }
    }

    @Test("an error is final until reset; reset starts a new head")
    func errorIsFinal() {
        var parser = RequestParser()
        let bad = Array("GET / HTTP/1.1\nHost: a\r\n\r\n".utf8)
        let good = Array(request("GET / HTTP/1.1", "Host: a").utf8)
        #expect(bad.withUnsafeBytes { Outcome(parser.parse($0), $0) } == .error(.bareLF))
        #expect(good.withUnsafeBytes { Outcome(parser.parse($0), $0) } == .error(.bareLF))
        parser.reset()
        #expect(good.withUnsafeBytes { Outcome(parser.parse($0), $0) }.head != nil)
    }

    @Test("isInsideHead is true only between the first byte of a head and its end")
    func insideHead() {
        var parser = RequestParser()
        #expect(!parser.isInsideHead)
        let bytes = Array(request("GET / HTTP/1.1", "Host: a").utf8)
        bytes.withUnsafeBytes { raw in
            _ = parser.parse(UnsafeRawBufferPointer(rebasing: raw[..<0]))
            #expect(!parser.isInsideHead)
            _ = parser.parse(UnsafeRawBufferPointer(rebasing: raw[..<3]))
            #expect(parser.isInsideHead)
            _ = parser.parse(UnsafeRawBufferPointer(rebasing: raw[..<20]))
            #expect(parser.isInsideHead)
            _ = parser.parse(raw)
            #expect(!parser.isInsideHead)
        }
    }
}
