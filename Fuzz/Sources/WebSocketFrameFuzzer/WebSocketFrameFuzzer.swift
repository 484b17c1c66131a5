import FuzzSupport
import NIOCore
import NIOWebSocket
@testable import Pronto

// The WebSocket frame reader on a fuzzed byte stream, frame after frame as a connection
// reads them: each head is what RFC 6455 §5.2 says (`referenceHead`), or the refusal it
// requires; payloads unmask as a byte-by-byte XOR; data frames go through the message
// assembler, whose text verdicts match the standard library's UTF-8 validation and whose
// size limit holds; a server frame's head written by the codec reads back the same.

/// The test libFuzzer runs on each input (see main.swift).
func fuzzWebSocketFrames(_ bytes: UnsafeRawBufferPointer) {
    var input = FuzzInput(bytes)
    let maxPayload = input.int(in: 0...300)
    var assembler = WebSocketMessageAssembler(maxMessageSize: input.int(in: 0...600))
    checkWrittenHead(opcode: input.byte(), length: input.int(in: 0...70_000))
    var message: [UInt8] = []
    let stream = input.rest()
    var offset = 0
    while offset < stream.count {
        let rest = UnsafeRawBufferPointer(rebasing: stream[offset...])
        let parsed = WebSocketFrameCodec.parseHead(rest, maxPayload: maxPayload)
        check(parsed == referenceHead(Array(rest), maxPayload: maxPayload), "head of \(Array(rest.prefix(14))): \(parsed)")
        guard case .head(let head) = parsed, head.frameLength <= rest.count else { return }
        var payload = ByteBuffer(bytes: rest[head.headLength..<head.frameLength])
        if let key = head.maskKey {
            var unmasked = ByteBuffer()
            WebSocketUnmasking.unmask(payload, key: key, into: &unmasked)
            let keyBytes = withUnsafeBytes(of: key) { Array($0) }
            let expected = payload.readableBytesView.enumerated().map { $0.element ^ keyBytes[$0.offset % 4] }
            check(unmasked.readableBytesView.elementsEqual(expected), "unmasking \(payload.readableBytes) bytes differs from XOR")
            payload = unmasked
        }
        offset += head.frameLength
        guard !head.opcode.isControlOpcode, [.text, .binary, .continuation].contains(head.opcode) else { continue }
        if head.opcode != .continuation { message = [] }
        message += payload.readableBytesView
        switch assembler.receive(opcode: head.opcode, fin: head.fin, data: payload) {
        case .message(let whole):
            check(whole.data.readableBytesView.elementsEqual(message), "a message of \(whole.data.readableBytes) bytes, \(message.count) sent")
            check(message.count <= assembler.maxMessageSize, "a message over the size limit")
            check(whole.kind == .binary || UTF8Reference.isValid(message), "an invalid text message was accepted")
        case .failure(let code, _):
            // Refused at the first byte that cannot begin valid UTF-8, or at a final frame
            // that leaves a character unfinished.
            if code == .invalidPayload {
                check(head.fin ? !UTF8Reference.isValid(message) : !UTF8Reference.isPrefixOfValid(message), "refused valid text \(message)")
            }
            return
        case .incomplete, .compressedMessage:
            break
        }
    }
}

/// RFC 6455 §5.2 read plainly, byte by byte.
func referenceHead(_ bytes: [UInt8], maxPayload: Int) -> WebSocketFrameCodec.Parse {
    guard bytes.count >= 2 else { return .needMore }
    let opcode = WebSocketOpcode(encodedWebSocketOpcode: bytes[0] & 0x0F)!
    var length = UInt64(bytes[1] & 0x7F)
    var offset = 2
    if opcode.isControlOpcode {
        if bytes[0] & 0x80 == 0 { return .failure(.protocolError, "a fragmented control frame") }
        if length > 125 { return .failure(.protocolError, "a control frame longer than 125 bytes") }
    } else if length >= 126 {
        let size = length == 126 ? 2 : 8
        guard bytes.count >= 2 + size else { return .needMore }
        length = bytes[2..<(2 + size)].reduce(0) { $0 << 8 | UInt64($1) }
        offset += size
    }
    if length > UInt64(maxPayload) { return .failure(.messageTooBig, "a frame exceeds \(maxPayload) bytes") }
    var key: UInt32?
    if bytes[1] & 0x80 != 0 {
        guard bytes.count >= offset + 4 else { return .needMore }
        key = bytes[offset..<(offset + 4)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        offset += 4
    }
    return .head(.init(fin: bytes[0] & 0x80 != 0, reservedBits: bytes[0] & 0x70, opcode: opcode, maskKey: key, headLength: offset, payloadLength: Int(length)))
}

/// A server frame's head, written by the codec, reads back as written.
func checkWrittenHead(opcode byte: UInt8, length: Int) {
    let opcode = WebSocketOpcode(encodedWebSocketOpcode: byte & 0x0F)!
    guard !opcode.isControlOpcode || length <= 125 else { return }
    var buffer = ByteBuffer()
    WebSocketFrameCodec.writeHead(opcode: opcode, reservedBits: byte & 0x40, length: length, into: &buffer)
    let parsed = buffer.withUnsafeReadableBytes { WebSocketFrameCodec.parseHead($0, maxPayload: .max) }
    let expected = WebSocketFrameCodec.Head(
        fin: true, reservedBits: byte & 0x40, opcode: opcode, maskKey: nil, headLength: buffer.readableBytes, payloadLength: length
    )
    check(parsed == .head(expected), "a written head (\(opcode), \(length)) reads back as \(parsed)")
    check(buffer.readableBytes == (length < 126 ? 2 : length < 65536 ? 4 : 10), "a head of \(buffer.readableBytes) bytes for \(length)")
}
