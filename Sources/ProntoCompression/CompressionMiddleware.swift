import NIOCore
import Pronto

/// Compresses response bodies with gzip or deflate for the clients that accept it.
///
/// ```swift
/// let app = App()
/// app.use(try CompressionMiddleware())
/// ```
/// A response is compressed when all of these hold:
/// - its Content-Type matches one of ``contentTypes`` (text, JSON, JavaScript, XML, SVG…);
/// - the request's `Accept-Encoding` accepts gzip or deflate (q-values honoured; gzip wins
///   a tie; no `Accept-Encoding` means no compression);
/// - it has no `Content-Encoding` yet, and its `Cache-Control` does not say `no-transform`;
/// - it has a body to send: not a HEAD request, not 1xx, 204 or 304, not a range (206);
/// - its body has at least ``minimumSize`` bytes (a stream of unknown length always
///   qualifies), or the client refused uncoded responses (`identity;q=0`);
/// - a file body is at most ``maximumFileSize`` bytes.
///
/// A compressed response gets `Content-Encoding`, loses `Accept-Ranges` (ranges would be
/// of the compressed bytes; the engine counts those for Content-Length), and a strong `ETag`
/// becomes weak (`W/"…"`): the bytes differ from the uncompressed ones. Every response of a
/// listed type gets `Vary: Accept-Encoding`, compressed or not, so that a cache does not
/// hand a compressed response to a client that cannot read it; one that already has a
/// `Content-Encoding` is left as its handler made it, `Vary` included.
///
/// Bodies in memory (strings, bytes, writers) are compressed in one go, inline: the
/// middleware keeps a synchronous route synchronous. A stream is compressed write by write,
/// each write flushed so that the client can decode it at once. A file is read and
/// compressed in pieces.
public struct CompressionMiddleware: InlineMiddleware {
    /// The types compressed by default: text and the structured text formats. Images other
    /// than SVG, audio, video, fonts in WOFF and archives are compressed already.
    public static let defaultContentTypes = [
        "text/*",
        "application/json", "application/*+json", "application/x-ndjson",
        "application/javascript", "application/ecmascript", "application/x-javascript",
        "application/xml", "application/*+xml", "image/svg+xml",
        "application/wasm", "application/x-yaml", "application/yaml", "application/toml",
        "font/ttf", "font/otf", "image/x-icon", "image/vnd.microsoft.icon", "image/bmp",
    ]

    /// Bodies smaller than this many bytes are sent as they are: under about a kilobyte,
    /// the saved bytes rarely pay for the compression (a TCP packet holds 1.4 KB).
    public let minimumSize: Int
    /// The media type patterns compressed: `type/subtype`, `type/*` or `type/*+suffix`.
    public let contentTypes: [String]
    /// How hard zlib works.
    public let level: CompressionLevel
    /// File bodies larger than this many bytes are sent as they are (with `sendfile`):
    /// compressing a large file on every request costs more CPU than it is worth; serve a
    /// precompressed copy instead.
    public let maximumFileSize: Int

    private let patterns: [MediaTypePattern]

    /// - Parameters:
    ///   - minimumSize: the smallest body compressed, in bytes (default 1024).
    ///   - contentTypes: the media types compressed (default ``defaultContentTypes``).
    ///   - level: zlib's level (default ``CompressionLevel/default``, 3).
    ///   - maximumFileSize: the largest file body compressed, in bytes (default 4 MiB).
    /// - Throws: `ConfigurationError` for a negative size or a malformed media type pattern.
    public init(
        minimumSize: Int = 1024,
        contentTypes: [String] = CompressionMiddleware.defaultContentTypes,
        level: CompressionLevel = .default,
        maximumFileSize: Int = 4 * 1024 * 1024
    ) throws {
        guard minimumSize >= 0 else {
            throw ConfigurationError(
                property: "CompressionMiddleware.minimumSize", value: String(minimumSize),
                expected: "a size in bytes, 0 or more (0 compresses every body; the default is 1024)")
        }
        guard maximumFileSize >= 0 else {
            throw ConfigurationError(
                property: "CompressionMiddleware.maximumFileSize", value: String(maximumFileSize),
                expected: "a size in bytes, 0 or more (0 never compresses files; the default is 4 MiB)")
        }
        self.minimumSize = minimumSize
        self.contentTypes = contentTypes
        self.level = level
        self.maximumFileSize = maximumFileSize
        patterns = try contentTypes.map(MediaTypePattern.init)
    }

    /// Compresses `response` when the rules above allow it.
    ///
    /// - Throws: what a `ResponseBodyWriter` body throws (it is run here to measure and
    ///   compress its bytes), or a zlib failure (out of memory).
    public func didRespond(to request: Request, context: Void, response: inout Response) throws {
        guard let contentType = response.contentType ?? response.headers["content-type"],
            patterns.contains(where: { $0.matches(contentType) }),
            response.headers["content-encoding"] == nil
        else { return }
        Self.addVary(to: &response.headers)
        let status = response.status.code
        guard status >= 200, status != 204, status != 206, status != 304, request.method != .head,
            !Self.forbidsTransform(response.headers)
        else { return }
        let accepted = AcceptEncoding(request.headers(named: "accept-encoding"))
        guard let coding = accepted.preferredCoding else { return }
        let minimumSize = accepted.refusesIdentity ? 1 : minimumSize
        let allocator = request.connection.allocator

        switch response.body {
        case .empty:
            return
        case .string(let string):
            guard string.utf8.count >= minimumSize else { return }
            var buffer = allocator.buffer(string: string)
            response.body = .bytes(try Self.compress(&buffer, coding, level, allocator))
        case .bytes(var buffer):
            guard buffer.readableBytes >= minimumSize else { return }
            response.body = .bytes(try Self.compress(&buffer, coding, level, allocator))
        case .writer(let writer):
            if let length = writer.contentLength, length < minimumSize { return }
            var buffer = allocator.buffer(capacity: writer.contentLength ?? 1024)
            try writer.write(into: &buffer)
            guard buffer.readableBytes >= minimumSize else {
                response.body = .bytes(buffer)  // written once; not again by the engine
                return
            }
            response.body = .bytes(try Self.compress(&buffer, coding, level, allocator))
        case .stream(let stream):
            if let length = stream.contentLength, length < minimumSize { return }
            response.body = .stream(.compressing(stream, with: coding, level: level))
        case .file(let file):
            guard file.length >= minimumSize, file.length <= maximumFileSize else { return }
            response.body = .stream(.compressing(file, with: coding, level: level))
        case .upgrade:
            return  // another protocol follows, not a body (a 101 is skipped above anyway)
        }
        Self.markEncoded(&response.headers, coding)
    }

    private static func compress(_ buffer: inout ByteBuffer, _ coding: ContentCoding, _ level: CompressionLevel, _ allocator: ByteBufferAllocator) throws -> ByteBuffer {
        try DeflaterCache.withDeflater(coding: coding, level: level) { deflater in
            try deflater.deflate(&buffer, flush: .finish, allocator: allocator)
        }
    }

    /// Adds `Vary: Accept-Encoding` unless a `Vary` field already names it (or says `*`).
    static func addVary(to headers: inout HTTPFields) {
        for value in headers.values(for: "vary") {
            for token in value.split(separator: ",") {
                let name = token.trimmingOWS.lowercased()
                if name == "accept-encoding" || name == "*" { return }
            }
        }
        headers.add(name: "Vary", value: "Accept-Encoding")
    }

    /// Whether `Cache-Control` says `no-transform` (RFC 9111 §5.2.2.6).
    static func forbidsTransform(_ headers: HTTPFields) -> Bool {
        headers.values(for: "cache-control").contains { value in
            value.split(separator: ",").contains { $0.trimmingOWS.lowercased() == "no-transform" }
        }
    }

    /// The headers of a compressed response: its coding, no length or ranges of the
    /// uncompressed bytes, and a weak validator.
    static func markEncoded(_ headers: inout HTTPFields, _ coding: ContentCoding) {
        headers.replaceOrAdd(name: "Content-Encoding", value: coding.name)
        headers.remove(name: "Content-Length")
        headers.remove(name: "Accept-Ranges")
        if let etag = headers["etag"], !etag.hasPrefix("W/") {
            headers.replaceOrAdd(name: "ETag", value: "W/" + etag)
        }
    }
}

extension Substring {
    /// Without the optional whitespace (spaces and tabs) around it.
    var trimmingOWS: Substring {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isOWS($0) }), let last = lastIndex(where: { !isOWS($0) }) else { return "" }
        return self[first...last]
    }
}
