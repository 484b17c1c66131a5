/// Why a request was refused. Every case maps to a status and a short reason that
/// the server sends back before it closes the connection: once framing is in doubt,
/// no later byte on that connection can be trusted (RFC 9112 §9.3 and §6.3).
public struct HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong with the request, each answered with its own status.
    public enum Kind: Sendable, Hashable {
        case invalidMethod
        case invalidRequestLine
        case invalidTarget
        case invalidVersion
        case unsupportedVersion
        case invalidHeaderName
        case whitespaceBeforeColon
        case obsoleteLineFolding
        case bareCR
        case bareLF
        case controlCharacter
        case missingHost
        case duplicateHost
        case invalidHost
        case invalidContentLength
        case conflictingContentLength
        case transferEncodingNotChunkedLast
        case unsupportedTransferCoding
        case transferEncodingWithContentLength
        case transferEncodingOnHTTP1_0
        case unsupportedExpectation
        case invalidChunkSize
        case chunkSizeOverflow
        case invalidChunkFraming
        case invalidTrailer
        case requestLineTooLong(limit: Int)
        case headerSectionTooLarge(limit: Int)
        case tooManyHeaders(limit: Int)
        case bodyTooLarge(limit: Int)
    }

    /// What was wrong.
    public let kind: Kind

    /// An error of `kind`.
    public init(_ kind: Kind) { self.kind = kind }

    /// The response status this error is answered with.
    public var status: Int {
        switch kind {
        case .unsupportedVersion: 505
        case .unsupportedTransferCoding: 501
        case .unsupportedExpectation: 417
        case .requestLineTooLong: 414
        case .headerSectionTooLarge, .tooManyHeaders: 431
        case .bodyTooLarge: 413
        default: 400
        }
    }

    /// A short reason for the response body: what was wrong, in a client author's terms.
    public var reason: String {
        switch kind {
        case .invalidMethod: "method is not a token"
        case .invalidRequestLine: "malformed request line (expected: method SP target SP HTTP-version)"
        case .invalidTarget: "invalid request target"
        case .invalidVersion: "malformed HTTP version"
        case .unsupportedVersion: "HTTP version not supported (this server speaks HTTP/1.0 and HTTP/1.1)"
        case .invalidHeaderName: "header field name is not a token"
        case .whitespaceBeforeColon: "whitespace between header field name and colon"
        case .obsoleteLineFolding: "obsolete line folding in header section"
        case .bareCR: "CR not followed by LF"
        case .bareLF: "LF without preceding CR"
        case .controlCharacter: "control character in request head"
        case .missingHost: "HTTP/1.1 request without Host header"
        case .duplicateHost: "more than one Host header"
        case .invalidHost: "invalid Host header value (expected host[:port])"
        case .invalidContentLength: "Content-Length must be digits only"
        case .conflictingContentLength: "Content-Length headers with different values"
        case .transferEncodingNotChunkedLast: "Transfer-Encoding must end with chunked"
        case .unsupportedTransferCoding: "transfer coding not implemented (only chunked is)"
        case .transferEncodingWithContentLength: "both Transfer-Encoding and Content-Length"
        case .transferEncodingOnHTTP1_0: "Transfer-Encoding in an HTTP/1.0 request"
        case .unsupportedExpectation: "unsupported expectation (only 100-continue is)"
        case .invalidChunkSize: "invalid chunk size"
        case .chunkSizeOverflow: "chunk size too large"
        case .invalidChunkFraming: "chunk data not followed by CRLF"
        case .invalidTrailer: "invalid trailer field"
        case .requestLineTooLong(let limit): "request line exceeds the limit of \(limit) bytes"
        case .headerSectionTooLarge(let limit): "header section exceeds the limit of \(limit) bytes"
        case .tooManyHeaders(let limit): "more than the limit of \(limit) header fields"
        case .bodyTooLarge(let limit): "body exceeds the limit of \(limit) bytes"
        }
    }

    public var description: String { "\(status) \(reason)" }
}
