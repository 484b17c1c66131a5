import ProntoHTTP
import Testing

// The field-line fast paths (header names and Host values skipped 16 bytes at a time, the
// framing names compared by words) against the scalar twin, which takes none of them:
// both parsers must reach the same verdict and the same head on every input, in particular
// with the class boundary (a rarer tchar, an invalid byte, the colon) at every offset around
// the 16-byte blocks, and with fewer than 16 bytes readable after a line's start.

@Suite("Field lines: SIMD fast paths against the scalar twin")
struct FieldLineSIMDTests {
    /// tchar bytes outside the fast class (letters, digits, '-'), and bytes no name may hold.
    static let rareTokenBytes = Array("!#$%&'*+.^_`|~".utf8)
    static let nonTokenBytes = Array("\"(),/;<=>?@[\\]{} \t".utf8) + [0x80, 0xC3, 0xFF]

    func verdicts(_ bytes: [UInt8]) -> (Outcome, Outcome) {
        (parseBytes(bytes, scanner: .simd), parseBytes(bytes, scanner: .scalar))
    }

    @Test("a name of every length 1...40 with a rare or invalid byte at every offset: same verdict and head")
    func namesAtEveryOffset() {
        for length in 1...40 {
            var names = [String(repeating: "x", count: length)]
            for offset in 0..<length {
                for byte in Self.rareTokenBytes.prefix(3) + Self.nonTokenBytes.prefix(4) {
                    var name = Array(repeating: UInt8(ascii: "a"), count: length)
                    name[offset] = byte
                    names.append(String(decoding: name, as: UTF8.self))
                }
            }
            for name in names {
                let bytes = Array(request("GET / HTTP/1.1", "Host: a", "\(name): v").utf8)
                let (simd, scalar) = verdicts(bytes)
                #expect(simd == scalar, "name \(name.debugDescription)")
            }
        }
    }

    @Test("valid rare tchars in names are accepted by both; invalid bytes refused by both")
    func rareAndInvalidNames() {
        for byte in Self.rareTokenBytes {
            let name = "X-Long-Header-Name" + String(UnicodeScalar(byte)) + "Tail"
            let bytes = Array(request("GET / HTTP/1.1", "Host: a", "\(name): v").utf8)
            let (simd, scalar) = verdicts(bytes)
            #expect(simd.head?.headers.last?.name == name, "\(name)")
            #expect(simd == scalar)
        }
        let bad = Array(request("GET / HTTP/1.1", "Host: a", "X-Long-Header-Name(Tail: v").utf8)
        #expect(parseBytes(bad, scanner: .simd) == .error(.invalidHeaderName))
        #expect(parseBytes(bad, scanner: .scalar) == .error(.invalidHeaderName))
    }

    @Test("Host values with every host byte class and invalid bytes at every offset: same verdict")
    func hostValues() {
        let valid = Array("abcXYZ019-.:_~!$&'()*+,;=%[]".utf8)
        let invalid = Array("/?@#\"<>\\^`{|}".utf8) + [0x80, 0xFF, UInt8(ascii: " ")]
        var rng = SeededRNG(seed: 0x4057)
        for length in 1...40 {
            for _ in 0..<12 {
                var value = (0..<length).map { _ in valid.randomElement(using: &rng)! }
                if Bool.random(using: &rng) { value[Int.random(in: 0..<length, using: &rng)] = invalid.randomElement(using: &rng)! }
                let bytes = Array("GET / HTTP/1.1\r\nHost: ".utf8) + value + Array("\r\n\r\n".utf8)
                let (simd, scalar) = verdicts(bytes)
                #expect(simd == scalar, "host \(String(decoding: value, as: UTF8.self).debugDescription)")
            }
        }
        #expect(parse(request("GET / HTTP/1.1", "Host: exa_mple.com:8080")).head?.host == "exa_mple.com:8080")
        #expect(parse(request("GET / HTTP/1.1", "Host: example.com:8080/x")) == .error(.invalidHost))
        #expect(parse(request("GET / HTTP/1.1", "Host: [::1]:8080")).head?.host == "[::1]:8080")
    }

    @Test("the framing names and values match in any case, and near misses do not")
    func framingWords() {
        let head = parse(request("GET / HTTP/1.1", "hOsT: a", "CONTENT-length: 5", "cOnNeCtIoN: Keep-Alive, UPGRADE", "Upgrade: x", "EXPECT: 100-CONTINUE"))
        #expect(head.head?.contentLength == 5)
        #expect(head.head?.connectionUpgrade == true)
        #expect(head.head?.upgrade == "x")
        #expect(head.head?.expectsContinue == true)
        #expect(parse(request("GET / HTTP/1.1", "Host: a", "Connection: CLOSE")).head?.keepAlive == false)
        // One byte off in the first or the last word: an ordinary header, not a framing one.
        for near in ["Content-Lengtx", "Dontent-Length", "Content_Length", "Connectiom", "Hosu", "Expecu"] {
            let outcome = parse(request("GET / HTTP/1.1", "Host: a", "\(near): 100-continue"))
            #expect(outcome.head?.contentLength == nil && outcome.head?.expectsContinue == false, "\(near)")
        }
        #expect(parse(request("GET / HTTP/1.1", "Host: a", "Connection: closf")).head?.keepAlive == true)
        #expect(parse(request("GET / HTTP/1.1", "Host: a", "Expect: 100-continuf")) == .error(.unsupportedExpectation))
    }

    @Test("heads cut at every byte agree with the scalar twin (fewer than 16 bytes readable after a line start)")
    func cutsEverywhere() {
        let bytes = Array(request("GET /p HTTP/1.1", "Host: tfb-server:8080", "Accept-Language: en", "X-A: 1", "Connection: keep-alive").utf8)
        let whole = parseBytes(bytes, scanner: .scalar)
        #expect(whole.head != nil)
        for cut in 1..<bytes.count {
            #expect(parseInPieces(bytes, cuts: [cut], scanner: .simd) == whole, "cut at \(cut)")
        }
    }
}
