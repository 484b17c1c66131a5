import NIOCore
import NIOHPACK
import ProntoCore

/// Turns an HTTP/2 request's header block into the head every Pronto handler reads.
///
/// The block is written out as the HTTP/1.1 head it stands for (RFC 9113 §8.3.1: `:method`
/// `:path` → the request line, `:authority` → Host, split `cookie` fields joined, §8.2.3) and
/// parsed by Pronto's own parser: a handler, the router and every middleware see the same
/// `Request` on either protocol, and the parser's validation and limits apply unchanged.
/// That costs a copy of the head per stream (a few hundred bytes), small beside HPACK's work.
enum HTTP2RequestHead {
    /// Why a header block is not a request Pronto serves.
    struct Refusal: Error {
        let status: HTTPStatus
        let reason: String
    }

    /// The head bytes of the request `headers` describe, parsed.
    static func make(
        from headers: HPACKHeaders, limits: HTTPLimits, allocator: ByteBufferAllocator
    ) throws(Refusal) -> (head: RequestHead, bytes: ByteBuffer) {
        var method: String?
        var path: String?
        var authority: String?
        var hasHost = false
        var cookies: [String] = []
        for (name, value, _) in headers {
            guard name.utf8.first == UInt8(ascii: ":") else {
                if name == "host" { hasHost = true }
                if name == "cookie" { cookies.append(value) }
                continue
            }
            switch name {
            case ":method": method = value
            case ":path": path = value
            case ":authority": authority = value
            default: break  // :scheme (http or https) and any the codec validated
            }
        }
        guard let method else { throw Refusal(status: .badRequest, reason: "missing :method") }
        if method == "CONNECT" {
            throw Refusal(status: .notImplemented, reason: "CONNECT (and extended CONNECT, RFC 8441) is not supported over HTTP/2")
        }
        guard let path, !path.isEmpty else { throw Refusal(status: .badRequest, reason: "missing :path") }

        var bytes = allocator.buffer(capacity: 64 + path.utf8.count + headers.count * 32)
        bytes.writeString(method)
        bytes.writeStaticString(" ")
        bytes.writeString(path)
        bytes.writeStaticString(" HTTP/1.1\r\n")
        if let authority, !hasHost {
            bytes.writeStaticString("host: ")
            bytes.writeString(authority)
            bytes.writeStaticString("\r\n")
        }
        for (name, value, _) in headers where name.utf8.first != UInt8(ascii: ":") && name != "cookie" {
            bytes.writeString(name)
            bytes.writeStaticString(": ")
            bytes.writeString(value)
            bytes.writeStaticString("\r\n")
        }
        if !cookies.isEmpty {
            bytes.writeStaticString("cookie: ")
            bytes.writeString(cookies.joined(separator: "; "))
            bytes.writeStaticString("\r\n")
        }
        bytes.writeStaticString("\r\n")

        var parserLimits = limits
        parserLimits.maxBodySize = .max  // the body arrives in DATA frames, limited by the stream
        var parser = RequestParser(limits: parserLimits)
        let result = bytes.withUnsafeReadableBytes { parser.parse($0) }
        switch result {
        case .complete(let head) where head.length == bytes.readableBytes:
            return (head, bytes)
        case .complete, .needMore:
            throw Refusal(status: .badRequest, reason: "a header field holds a line break")
        case .error(let error):
            throw Refusal(status: HTTPStatus(code: error.status), reason: error.reason)
        }
    }
}
