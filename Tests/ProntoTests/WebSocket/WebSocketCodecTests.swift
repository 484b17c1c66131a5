import Foundation
import NIOCore
import NIOWebSocket
import Testing

@testable import Pronto

@Suite("WebSocket: handshake, UTF-8, message assembly")
struct WebSocketCodecTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("SHA-1 matches the FIPS 180 test vectors, across block boundaries")
    func sha1() {
        #expect(Self.hex(SHA1.hash(Array("".utf8))) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(Self.hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Self.hex(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Self.hex(SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
            == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test("the accept value of RFC 6455's own example")
    func acceptValue() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    static func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { UTF8Validator.isValid($0) } }

    @Test("UTF-8: what Swift's own decoder accepts, and nothing else")
    func utf8() {
        #expect(Self.valid(Array("plain ASCII, long enough to take the 8-byte path".utf8)))
        #expect(Self.valid(Array("κόσμε 𝄞 €".utf8)))
        #expect(Self.valid([0xF4, 0x8F, 0xBF, 0xBF]))  // U+10FFFF
        #expect(!Self.valid([0xF4, 0x90, 0x80, 0x80]))  // above U+10FFFF
        #expect(!Self.valid([0xED, 0xA0, 0x80]))  // a surrogate
        #expect(!Self.valid([0xC0, 0xAF]))  // overlong '/'
        #expect(!Self.valid([0xE0, 0x80, 0xAF]))  // overlong
        #expect(!Self.valid([0xCE, 0xBA, 0xE1]))  // truncated at the end
        #expect(!Self.valid([0x80]))  // a lone continuation byte
        #expect(!Self.valid([0xFF]))
        // Against the standard library on every 1- and 2-byte sequence.
        for a in 0...255 {
            #expect(Self.valid([UInt8(a)]) == (String(validating: [UInt8(a)], as: UTF8.self) != nil))
            for b in stride(from: 0, through: 255, by: 5) {
                let bytes = [UInt8(a), UInt8(b)]
                #expect(Self.valid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
            }
        }
    }

    @Test("UTF-8 split at every byte across fragments: the verdict is the same, and it comes at the first bad byte")
    func utf8Split() {
        let text = Array("ab€𝄞κό".utf8)
        for split in 0...text.count {
            var validator = UTF8Validator()
            let first = text[..<split].withUnsafeBytes { validator.validate($0) }
            let second = text[split...].withUnsafeBytes { validator.validate($0) }
            #expect(first && second && validator.isComplete, "split at \(split)")
        }
        var validator = UTF8Validator()
        #expect([UInt8]([0xE2, 0x82]).withUnsafeBytes { validator.validate($0) })
        #expect(!validator.isComplete)
        #expect(![UInt8]([0x41]).withUnsafeBytes { validator.validate($0) })  // 'A' where a continuation must be
    }

    static func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("fragments join into one message; a single frame is passed through")
    func assembly() {
        var assembler = WebSocketMessageAssembler(maxMessageSize: 100)
        #expect(assembler.receive(opcode: .text, fin: true, data: Self.buffer("whole")) == .message(.text("whole")))
        #expect(assembler.receive(opcode: .text, fin: false, data: Self.buffer("frag")) == .incomplete)
        #expect(assembler.receive(opcode: .continuation, fin: false, data: Self.buffer("men")) == .incomplete)
        #expect(assembler.receive(opcode: .continuation, fin: true, data: Self.buffer("ted")) == .message(.text("fragmented")))
        #expect(assembler.receive(opcode: .binary, fin: false, data: ByteBuffer(bytes: [1, 2])) == .incomplete)
        #expect(assembler.receive(opcode: .continuation, fin: true, data: ByteBuffer(bytes: [3])) == .message(.binary(ByteBuffer(bytes: [1, 2, 3]))))
        #expect(assembler.receive(opcode: .text, fin: true, data: ByteBuffer()) == .message(.text("")))
    }

    @Test("out-of-order fragments, the size limit across fragments, and invalid text fail with their codes")
    func assemblyFailures() {
        var assembler = WebSocketMessageAssembler(maxMessageSize: 8)
        guard case .failure(.protocolError, _) = assembler.receive(opcode: .continuation, fin: true, data: Self.buffer("x")) else {
            Issue.record("a continuation without a message must fail"); return
        }
        assembler = WebSocketMessageAssembler(maxMessageSize: 8)
        _ = assembler.receive(opcode: .text, fin: false, data: Self.buffer("a"))
        guard case .failure(.protocolError, _) = assembler.receive(opcode: .binary, fin: true, data: Self.buffer("b")) else {
            Issue.record("a new message inside a fragmented one must fail"); return
        }
        assembler = WebSocketMessageAssembler(maxMessageSize: 8)
        _ = assembler.receive(opcode: .binary, fin: false, data: Self.buffer("12345"))
        guard case .failure(.messageTooBig, _) = assembler.receive(opcode: .continuation, fin: true, data: Self.buffer("6789")) else {
            Issue.record("9 bytes over fragments must exceed 8"); return
        }
        assembler = WebSocketMessageAssembler(maxMessageSize: 8)
        _ = assembler.receive(opcode: .text, fin: false, data: ByteBuffer(bytes: [0xE2, 0x82]))
        guard case .failure(.invalidPayload, _) = assembler.receive(opcode: .continuation, fin: false, data: ByteBuffer(bytes: [0x41])) else {
            Issue.record("invalid UTF-8 across fragments must fail at once"); return
        }
        assembler = WebSocketMessageAssembler(maxMessageSize: 8)
        guard case .failure(.invalidPayload, _) = assembler.receive(opcode: .text, fin: true, data: ByteBuffer(bytes: [0xE2, 0x82])) else {
            Issue.record("a text message ending inside a character must fail"); return
        }
    }
}

extension WebSocketCodecTests {
    @Test("unmasking 8 bytes at a time matches NIO's byte-by-byte unmasking at every length and offset")
    func unmasking() {
        let key: WebSocketMaskingKey = [0x12, 0xA4, 0x7F, 0x01]
        for count in 0...40 {
            var buffer = ByteBuffer()
            buffer.writeRepeatingByte(0xEE, count: 3)  // a payload that starts mid-buffer, like a frame's
            buffer.writeBytes((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            let payload = buffer.getSlice(at: 3, length: count)!
            var expected = payload
            expected.webSocketUnmask(key)
            // The key as the frame codec reads it: its 4 bytes loaded from memory.
            let key32 = [UInt8](key).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            var unmasked = ByteBuffer()
            WebSocketUnmasking.unmask(payload, key: key32, into: &unmasked)
            #expect(unmasked == expected, "\(count) bytes")
        }
    }
}

extension WebSocketCodecTests {
    static func parse(_ bytes: [UInt8], max: Int = 1 << 20) -> WebSocketFrameCodec.Parse {
        bytes.withUnsafeBytes { WebSocketFrameCodec.parseHead($0, maxPayload: max) }
    }

    @Test("frame heads: the three length forms, masks, and a head split at every byte needs more")
    func frameHeads() {
        let key: [UInt8] = [1, 2, 3, 4]
        guard case .head(let short) = Self.parse([0x81, 0x85] + key) else { Issue.record("7-bit length"); return }
        #expect(short.fin && short.opcode == .text && short.payloadLength == 5 && short.headLength == 6 && short.maskKey != nil)
        guard case .head(let medium) = Self.parse([0x02, 0xFE, 0x01, 0x00] + key) else { Issue.record("16-bit length"); return }
        #expect(!medium.fin && medium.opcode == .binary && medium.payloadLength == 256 && medium.headLength == 8)
        guard case .head(let long) = Self.parse([0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0] + key) else { Issue.record("64-bit length"); return }
        #expect(long.payloadLength == 65536 && long.headLength == 14)
        guard case .head(let unmasked) = Self.parse([0xC1, 0x00]) else { Issue.record("unmasked"); return }
        #expect(unmasked.maskKey == nil && unmasked.reservedBits == 0x40)
        let full: [UInt8] = [0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0] + key
        for cut in 0..<full.count {
            #expect(Self.parse(Array(full[..<cut])) == .needMore, "cut at \(cut)")
        }
    }

    @Test("frame heads refused before their payload: fragmented or long control frames, lengths over the limit")
    func frameHeadFailures() {
        guard case .failure(.protocolError, _) = Self.parse([0x09, 0x80]) else { Issue.record("fragmented ping"); return }
        guard case .failure(.protocolError, _) = Self.parse([0x89, 0xFE, 0, 126]) else { Issue.record("126-byte ping"); return }
        guard case .failure(.messageTooBig, _) = Self.parse([0x82, 0xFE, 0x04, 0x01], max: 1024) else { Issue.record("1025 > 1024"); return }
        guard case .failure(.messageTooBig, _) = Self.parse([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0]) else { Issue.record("2^63"); return }
    }

    @Test("a written head is what a reader parses back, at every length form")
    func writtenHeads() {
        for length in [0, 125, 126, 65535, 65536] {
            var buffer = ByteBuffer()
            WebSocketFrameCodec.writeHead(opcode: .binary, reservedBits: 0x40, length: length, into: &buffer)
            let parsed = buffer.withUnsafeReadableBytes { WebSocketFrameCodec.parseHead($0, maxPayload: 1 << 20) }
            guard case .head(let head) = parsed else { Issue.record("\(length)"); continue }
            #expect(head.payloadLength == length && head.fin && head.opcode == .binary && head.reservedBits == 0x40 && head.maskKey == nil)
            #expect(head.headLength == buffer.readableBytes)
        }
    }
}
