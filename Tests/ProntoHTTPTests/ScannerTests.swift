import ProntoHTTP
import Testing

// The SIMD line scanner must agree with the scalar reference everywhere, in particular
// around its 16- and 32-byte blocks.

@Suite("ByteScanner: SIMD against scalar")
struct ScannerTests {
    /// The reference, written independently of ByteScanner.
    func reference(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var i = start
        while i < end {
            let b = bytes[i]
            if (b < 0x20 && b != 0x09) || b == 0x7F { return i }
            i += 1
        }
        return end
    }

    func scan(_ scanner: ByteScanner, _ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        // An empty array may have no base address; nothing is read then (start == end == 0).
        bytes.withUnsafeBytes { scanner.firstControl($0.baseAddress ?? UnsafeRawPointer(bitPattern: 16)!, from: start, to: end) }
    }

    @Test("simd and scalar find the same control byte on random arrays of every length 0...200")
    func randomArrays() {
        var rng = SeededRNG(seed: 0x5EED)
        let controls: [UInt8] = [0x00, 0x01, 0x0A, 0x0D, 0x1F, 0x7F]
        let plain: [UInt8] = Array(0x20...0x7E) + [0x09, 0x80, 0xA0, 0xFF]
        for length in 0...200 {
            for _ in 0..<40 {
                var bytes = (0..<length).map { _ in plain.randomElement(using: &rng)! }
                // Zero, one or a few control bytes, often right around the block boundaries.
                let hotSpots = [15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 95, 96, 127, 128, 160, 199]
                for _ in 0..<Int.random(in: 0...3, using: &rng) where length > 0 {
                    let position = Bool.random(using: &rng)
                        ? Int.random(in: 0..<length, using: &rng)
                        : min(length - 1, hotSpots.randomElement(using: &rng)!)
                    bytes[position] = controls.randomElement(using: &rng)!
                }
                let start = length == 0 ? 0 : Int.random(in: 0...min(length, 40), using: &rng)
                let end = Int.random(in: start...length, using: &rng)
                let expected = reference(bytes, from: start, to: end)
                #expect(scan(.simd, bytes, from: start, to: end) == expected, "len \(length) \(start)..<\(end)")
                #expect(scan(.scalar, bytes, from: start, to: end) == expected, "len \(length) \(start)..<\(end)")
            }
        }
    }

    @Test("every single control byte at every position of a 100-byte line is found")
    func everyPositionEveryControl() {
        let controls = (UInt8(0)..<0x20).filter { $0 != 0x09 } + [0x7F]
        for control in controls {
            for position in 0..<100 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 100)
                bytes[position] = control
                for start in [0, 1, 15, 16, 31, 32, 33] where start <= position {
                    #expect(scan(.simd, bytes, from: start, to: 100) == position)
                    #expect(scan(.scalar, bytes, from: start, to: 100) == position)
                }
                // A hit beyond `end` is not reported.
                #expect(scan(.simd, bytes, from: 0, to: position) == position)
            }
        }
    }

    @Test("HTAB, obs-text and visible ASCII are never a hit")
    func nonControls() {
        let bytes: [UInt8] = Array(0x20...0xFF).filter { $0 != 0x7F } + [0x09, 0x09]
        #expect(scan(.simd, bytes, from: 0, to: bytes.count) == bytes.count)
        #expect(scan(.scalar, bytes, from: 0, to: bytes.count) == bytes.count)
    }

    @Test("the parser gives identical results with .simd and .scalar on the whole corpus")
    func parserAgrees() {
        for text in requestCorpus {
            let bytes = Array(text.utf8)
            #expect(parseBytes(bytes, scanner: .simd) == parseBytes(bytes, scanner: .scalar), "\(text.prefix(60).debugDescription)")
        }
    }
}
