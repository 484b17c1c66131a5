import CompressNIO

/// A content coding ``CompressionMiddleware`` applies (RFC 9110 §8.4.1).
public enum ContentCoding: String, Sendable, CaseIterable {
    /// gzip (RFC 1952): deflate data in a gzip wrapper. Preferred when a client accepts
    /// gzip and deflate equally: every client that decodes one decodes both, and gzip is
    /// the one they all decode the same way.
    case gzip
    /// deflate as HTTP defines it (RFC 9110 §8.4.1.2): deflate data in a zlib wrapper
    /// (RFC 1950), not raw deflate.
    case deflate

    /// The token sent in `Content-Encoding` (and read in `Accept-Encoding`).
    public var name: String { rawValue }

    /// The zlib wrapper for this coding.
    var zlibAlgorithm: ZlibAlgorithm {
        switch self {
        case .gzip: .gzip
        case .deflate: .zlib
        }
    }
}
