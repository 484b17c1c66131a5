/// The `Content-Type` of a file, from its extension.
///
/// A compact table of the types the web serves, not the whole IANA registry: a lookup is
/// a lowercase of a few bytes and one dictionary probe. Text types, JavaScript and JSON
/// carry `; charset=utf-8` (the web's encoding: without it a browser guesses from the
/// bytes, and guesses differently per browser). Anything else is
/// `application/octet-stream`, which a browser downloads instead of rendering: the safe
/// default for a file whose type is unknown.
public enum MediaTypes {
    /// The type served for an unknown extension.
    public static let fallback = "application/octet-stream"

    /// The content type for a file named `fileName` (only its extension matters, any case).
    public static func contentType(forFileName fileName: some StringProtocol) -> String {
        guard let dot = fileName.lastIndex(of: "."), fileName.index(after: dot) < fileName.endIndex else {
            return fallback
        }
        return contentType(forExtension: fileName[fileName.index(after: dot)...])
    }

    /// The content type for the extension `ext` (without the dot, any case).
    public static func contentType(forExtension ext: some StringProtocol) -> String {
        table[ext.lowercased()] ?? fallback
    }

    /// The content type for a file at `path`, given as bytes (a file name need not be UTF-8;
    /// an extension we know always is).
    static func contentType(forPath path: [UInt8]) -> String {
        var i = path.count
        while i > 0 {
            let byte = path[i - 1]
            if byte == UInt8(ascii: ".") { break }
            if byte == UInt8(ascii: "/") { return fallback }
            i -= 1
        }
        guard i > 0, i < path.count, path.count - i <= 8 else { return fallback }
        return contentType(forExtension: String(decoding: path[i...], as: UTF8.self))
    }

    static let table: [String: String] = [
        // Documents and code
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "json": "application/json; charset=utf-8",
        "map": "application/json; charset=utf-8",
        "webmanifest": "application/manifest+json; charset=utf-8",
        "txt": "text/plain; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "csv": "text/csv; charset=utf-8",
        "xml": "application/xml",
        "rss": "application/rss+xml",
        "atom": "application/atom+xml",
        "pdf": "application/pdf",
        "wasm": "application/wasm",
        // Images
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
        "ico": "image/x-icon",
        "bmp": "image/bmp",
        // Fonts
        "woff": "font/woff",
        "woff2": "font/woff2",
        "ttf": "font/ttf",
        "otf": "font/otf",
        // Audio and video
        "mp4": "video/mp4",
        "webm": "video/webm",
        "ogv": "video/ogg",
        "mp3": "audio/mpeg",
        "ogg": "audio/ogg",
        "oga": "audio/ogg",
        "wav": "audio/wav",
        "m4a": "audio/mp4",
        // Archives
        "zip": "application/zip",
        "gz": "application/gzip",
        "tar": "application/x-tar",
        "br": "application/x-brotli",
    ]
}
