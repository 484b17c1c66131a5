import FuzzSupport
import NIOCore
@testable import Pronto

// The multipart/form-data parser: on any body and boundary, the events (part heads, body
// bytes, part ends, the close) and the verdict do not depend on how the body is split into
// reads, every `next()` returns, and no body byte is invented; a body built from fuzzed
// parts (as a browser sends it) reads back as those parts; a part's header section parser
// takes any bytes.

/// What a parse produced, with body chunks joined (their split follows the reads).
enum PartEvent: Equatable {
    case start(name: String, filename: String?, contentType: String?, headers: [String])
    case body([UInt8])
    case end
    case close
    case failure(String)
}

/// The test libFuzzer runs on each input (see main.swift).
func fuzzMultipart(_ bytes: UnsafeRawBufferPointer) {
    var input = FuzzInput(bytes)
    let maxHeaderSize = input.int(in: 1...200)
    switch input.byte() % 3 {
    case 0:
        _ = try? MultipartPartHead(parsing: input.rest())
    case 1:
        let boundary = String(decoding: input.run(maxCount: 12), as: UTF8.self)
        guard let delimiter = MultipartDelimiter(boundary: boundary) else { return }
        let body = input.rest()
        let whole = parse(body, cuts: [], delimiter: delimiter, maxHeaderSize: maxHeaderSize)
        let split = parse(body, cuts: cuts(count: body.count, seed: body, pieces: 4), delimiter: delimiter, maxHeaderSize: maxHeaderSize)
        check(whole == split, "split \(split) != whole \(whole)")
    default:
        roundTrip(&input, maxHeaderSize: maxHeaderSize)
    }
}

/// Parts built from the input, written as a browser does, read back the same.
func roundTrip(_ input: inout FuzzInput, maxHeaderSize: Int) {
    let boundary = "----fuzz" + String(input.uint64(), radix: 36)
    let delimiter = MultipartDelimiter(boundary: boundary)!
    var body: [UInt8] = Array(input.run(maxCount: 8).filter { $0 != 0x0D && $0 != 0x0A })  // a preamble
    body += Array("\r\n".utf8).prefix(body.isEmpty ? 0 : 2)
    var expected: [PartEvent] = []
    for index in 0..<input.int(in: 0...4) {
        let value = input.run(maxCount: 40)
        let filename = input.bool() ? "f\(index).bin" : nil
        let head = "Content-Disposition: form-data; name=\"field\(index)\"" + (filename.map { "; filename=\"\($0)\"" } ?? "")
        body += Array("--\(boundary)\r\n\(head)\r\n\r\n".utf8) + value + Array("\r\n".utf8)
        // A value that happens to hold the delimiter cannot be sent this way.
        guard (value + delimiter.bytes).firstIndex(of: delimiter.bytes) == value.count else { return }
        expected += [.start(name: "field\(index)", filename: filename, contentType: nil, headers: ["content-disposition"])]
        expected += value.isEmpty ? [.end] : [.body(value), .end]
    }
    body += Array("--\(boundary)--\r\n".utf8)
    expected.append(.close)
    // The longest header section written above is under 96 bytes.
    guard maxHeaderSize >= 96 else { return }
    let events = body.withUnsafeBytes { parse($0, cuts: cuts(count: $0.count, seed: $0), delimiter: delimiter, maxHeaderSize: maxHeaderSize) }
    check(events == expected, "\(events) != \(expected) for \(String(decoding: body, as: UTF8.self).debugDescription)")
}

/// Feeds `body` up to each cut, then whole, and collects the events until the close, an
/// error or the end of the input.
func parse(_ body: UnsafeRawBufferPointer, cuts: [Int], delimiter: MultipartDelimiter, maxHeaderSize: Int) -> [PartEvent] {
    var parser = MultipartParser(delimiter: delimiter, maxHeaderSize: maxHeaderSize)
    var events: [PartEvent] = []
    var given = 0
    var bodyBytes = 0
    var calls = 0
    for end in cuts + [body.count] where end >= given {
        parser.append(ByteBuffer(bytes: body[given..<end]))
        given = end
        do {
            while let event = try parser.next() {
                calls += 1
                check(calls <= 4 * body.count + 16, "the parser loops: \(calls) events from \(body.count) bytes")
                switch event {
                case .partStart(let head):
                    events.append(.start(name: head.name, filename: head.filename, contentType: head.contentType, headers: head.headers.map(\.name)))
                case .bodyChunk(let chunk):
                    check(chunk.readableBytes > 0, "an empty body chunk")
                    bodyBytes += chunk.readableBytes
                    if case .body(let before) = events.last {
                        events[events.count - 1] = .body(before + chunk.readableBytesView)
                    } else {
                        events.append(.body(Array(chunk.readableBytesView)))
                    }
                case .partEnd:
                    events.append(.end)
                case .end:
                    events.append(.close)
                    check(bodyBytes <= body.count, "\(bodyBytes) body bytes out of \(body.count)")
                    return events
                }
            }
        } catch {
            events.append(.failure(error.reason))
            return events
        }
    }
    do {
        try parser.finish()
        check(false, "the input ended before the close, yet finish() accepted it")
    } catch {
        events.append(.failure(error.reason))
    }
    return events
}

extension Array where Element == UInt8 {
    /// Where `needle` first occurs in these bytes.
    func firstIndex(of needle: [UInt8]) -> Int? {
        guard needle.count <= count else { return nil }
        return (0...(count - needle.count)).first { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
