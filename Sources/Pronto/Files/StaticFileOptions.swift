/// How ``RouteBuilder/static(_:directory:options:)`` serves a directory.
///
/// ```swift
/// app.static("/assets", directory: "Public", options: StaticFileOptions(
///     cacheControl: "public, max-age=31536000, immutable"
/// ))
/// ```
public struct StaticFileOptions: Sendable {
    /// The file served for a directory (its path ending with `/`); nil serves no directory.
    /// There is never a directory listing. Default `index.html`.
    public var indexFile: String?
    /// Whether names starting with a dot (`.env`, `.git/config`, `.well-known/…`) are
    /// served. Off by default: such files are usually secrets or tooling left in a
    /// deployment. `.` and `..` are refused either way.
    public var allowsHiddenFiles: Bool
    /// The `Cache-Control` header of every file response (and 304), e.g.
    /// `public, max-age=3600`; nil sends none, leaving caches to their heuristics and to
    /// revalidation with `ETag` and `Last-Modified`.
    public var cacheControl: String?
    /// The precompressed siblings looked for, in the server's order of preference: with
    /// `[.brotli, .gzip]`, `app.js` is served from `app.js.br` to a client that accepts
    /// `br`, else from `app.js.gz` to one that accepts `gzip` (a client's q-values come
    /// first). A sibling is looked for (a failed `open` when missing) only for a coding the
    /// client accepts, and every response says `Vary: Accept-Encoding`; empty turns both off.
    public var precompressed: [ContentCoding]
    /// The most ranges a multi-range request is answered with after overlapping and
    /// adjacent ones are merged; a request for more gets the whole file (200).
    public var maxRanges: Int
    /// Small files kept in memory and served without a system call for a second at a time
    /// (see ``MemoryCache``); nil reads every file from disk on every request.
    public var memoryCache: MemoryCache?

    /// Options with the defaults above; pass only what differs.
    public init(
        indexFile: String? = "index.html", allowsHiddenFiles: Bool = false, cacheControl: String? = nil,
        precompressed: [ContentCoding] = [.brotli, .gzip], maxRanges: Int = 16, memoryCache: MemoryCache? = MemoryCache()
    ) {
        self.memoryCache = memoryCache
        self.indexFile = indexFile
        self.allowsHiddenFiles = allowsHiddenFiles
        self.cacheControl = cacheControl
        self.precompressed = precompressed
        self.maxRanges = maxRanges
    }
}
