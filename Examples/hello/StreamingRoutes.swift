import Crypto
import Pronto

/// hello's streaming routes, to try with curl and a browser: server-sent events, a large
/// chunked body, and an upload digested as it arrives.
enum StreamingRoutes {
    /// 16 KiB of `x`, made once: every `/stream` piece is a slice of it (no copy per write).
    static let piece = ByteBuffer(repeating: UInt8(ascii: "x"), count: 16 * 1024)

    static func add(to app: App) {
        // `curl -N 'localhost:8080/sse?count=5'`: N events, 10 ms apart.
        app.get("/sse") { request in
            let count = min(max(try request.query("count", as: Int.self) ?? 10, 0), 1_000_000)
            let start = Int(request.lastEventID ?? "") ?? 0
            return Response.eventStream { events in
                for index in stride(from: start + 1, through: count, by: 1) {
                    try await events.send(ServerSentEvent(data: "{\"n\":\(index)}", event: "tick", id: "\(index)"))
                    if index < count { try await Task.sleep(for: .milliseconds(10)) }
                }
            }
        }

        // `curl -s 'localhost:8080/stream?bytes=1000000000' | wc -c`: N bytes, chunked in 16 KiB pieces.
        app.get("/stream") { request in
            let total = max(try request.query("bytes", as: Int.self) ?? 1024 * 1024, 0)
            return Response.stream(contentType: "application/octet-stream") { writer in
                var left = total
                while left > 0 {
                    let count = min(left, piece.readableBytes)
                    try await writer.write(piece.getSlice(at: piece.readerIndex, length: count)!)
                    left -= count
                }
            }
        }

        // `curl -T big.iso localhost:8080/upload`: the body's size and SHA-256, computed as it
        // streams in (never held whole in memory).
        app.on(.post, "/upload", body: .stream, upload)
        app.on(.put, "/upload", body: .stream, upload)
    }

    struct UploadDigest: Codable, Sendable, ResponseEncodable {
        let bytes: Int
        let sha256: String
    }

    @Sendable static func upload(_ request: Request) async throws -> UploadDigest {
        var hash = SHA256()
        var bytes = 0
        if let body = request.bodyStream {
            for try await piece in body {
                piece.withUnsafeReadableBytes { hash.update(bufferPointer: $0) }
                bytes += piece.readableBytes
            }
        }
        let hex = hash.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        return UploadDigest(bytes: bytes, sha256: hex)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
