import CompressNIO
import NIOCore
import ProntoCompression
import ProntoTesting
import Testing

/// Decodes a whole body the server compressed with `coding`.
func decode(_ body: [UInt8], _ coding: ContentCoding) throws -> [UInt8] {
    let decoder = try StreamDecoder(coding)
    let bytes = try decoder.decode(body)
    return bytes
}

/// Decodes a compressed stream piece by piece, as a client does while the pieces arrive:
/// each call returns what the piece lets it decode.
struct StreamDecoder {
    private let zlib: ZlibDecompressor

    init(_ coding: ContentCoding) throws {
        zlib = try ZlibDecompressor(algorithm: coding == .gzip ? .gzip : .zlib)
    }

    func decode(_ piece: [UInt8]) throws -> [UInt8] {
        var input = ByteBuffer(bytes: piece)
        var output: [UInt8] = []
        var window = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        try input.decompressStream(with: zlib, window: &window) { decoded in
            output += decoded.readableBytesView
        }
        return output
    }
}

extension TestResponse {
    /// The chunks of a chunked body, as the server framed them (one per stream write).
    var chunks: [[UInt8]] {
        get throws {
            let crlf: [UInt8] = [13, 10]
            func find(_ needle: [UInt8], from start: Int) throws -> Int {
                var i = start
                while i + needle.count <= raw.count {
                    if Array(raw[i..<(i + needle.count)]) == needle { return i }
                    i += 1
                }
                throw TestClientError("no \(needle) after byte \(start)")
            }
            var i = try find(crlf + crlf, from: 0) + 4
            var chunks: [[UInt8]] = []
            while true {
                let lineEnd = try find(crlf, from: i)
                let size = try #require(Int(String(decoding: raw[i..<lineEnd], as: UTF8.self), radix: 16))
                if size == 0 { return chunks }
                chunks.append(Array(raw[(lineEnd + 2)..<(lineEnd + 2 + size)]))
                i = lineEnd + 2 + size + 2
            }
        }
    }
}
