import Foundation
import NIOCore
@testable import Pronto

/// Builds `multipart/form-data` bodies for the tests, byte for byte as a browser would.
struct MultipartBody {
    enum Part {
        case field(String, String)
        case file(name: String, filename: String, contentType: String?, bytes: [UInt8])
        case raw(headers: String, bytes: [UInt8])
    }

    var boundary = "----ProntoBoundary7MA4YWxkTrZu0gW"
    var parts: [Part]
    var preamble = ""
    var epilogue = ""

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var bytes: [UInt8] {
        var out = Array(preamble.utf8)
        for part in parts {
            out += Array("--\(boundary)\r\n".utf8)
            switch part {
            case .field(let name, let value):
                out += Array("Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)".utf8)
            case .file(let name, let filename, let contentType, let bytes):
                out += Array("Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n".utf8)
                if let contentType { out += Array("Content-Type: \(contentType)\r\n".utf8) }
                out += Array("\r\n".utf8) + bytes
            case .raw(let headers, let bytes):
                out += Array("\(headers)\r\n".utf8) + bytes
            }
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n\(epilogue)".utf8)
        return out
    }
}

/// What a parse produced, part by part, whatever the buffers the body came in.
struct ParsedPart: Equatable, CustomStringConvertible {
    var name: String
    var filename: String?
    var contentType: String?
    var body: [UInt8]

    var description: String { "\(name) \(filename ?? "-") \(contentType ?? "-") \(String(decoding: body, as: UTF8.self).debugDescription)" }
}

/// Runs the sans-IO parser over `chunks`; the parts, or the error it threw.
func parseMultipart(_ chunks: [[UInt8]], boundary: String, maxHeaderSize: Int = 8 * 1024) -> Result<[ParsedPart], HTTPError> {
    var parser = MultipartParser(delimiter: MultipartDelimiter(boundary: boundary)!, maxHeaderSize: maxHeaderSize)
    var parts: [ParsedPart] = []
    var ended = false
    do throws(HTTPError) {
        for chunk in chunks {
            parser.append(ByteBuffer(bytes: chunk))
            while let event = try parser.next() {
                switch event {
                case .partStart(let head):
                    parts.append(ParsedPart(name: head.name, filename: head.filename, contentType: head.contentType, body: []))
                case .bodyChunk(let bytes):
                    parts[parts.count - 1].body += Array(bytes.readableBytesView)
                case .partEnd:
                    break
                case .end:
                    ended = true
                }
            }
        }
        try parser.finish()
    } catch {
        return .failure(error)
    }
    precondition(ended)
    return .success(parts)
}

/// A body in buffers of `chunkSize`, as a body stream would deliver it.
struct ChunkedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: [UInt8]
    let chunkSize: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let chunkSize: Int
        var offset = 0
        mutating func next() async -> ByteBuffer? {
            guard offset < bytes.count else { return nil }
            defer { offset += chunkSize }
            return ByteBuffer(bytes: bytes[offset..<Swift.min(offset + chunkSize, bytes.count)])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, chunkSize: chunkSize) }
}

/// A directory of its own for a test's uploads, removed at the end.
func withUploadDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-forms-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// The names of the files in `directory`.
func filesIn(_ directory: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
}

/// Waits (a bounded while) until `directory` holds just `names`: files dropped with their
/// last `UploadedFile` are removed by the thread pool, after the drop.
func waitUntil(_ directory: String, holds names: Set<String>) async throws -> Bool {
    for _ in 0..<500 {
        if Set(filesIn(directory)) == names { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return false
}
