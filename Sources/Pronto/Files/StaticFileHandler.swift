import NIOCore

/// Serves the files of one directory for the routes ``RouteBuilder/static(_:directory:options:)``
/// registers: resolves the request path safely, picks the representation (the file or a
/// precompressed sibling), plans the answer (``FileResponsePlan``) and makes the response.
///
/// It is a plain synchronous route handler, so a file route costs what any sync route
/// costs: the router finds it on the raw path bytes (other routes pay nothing for it, as
/// they would for a middleware that looks at every request), HEAD comes from the GET route,
/// and other methods get the router's 405 with `Allow`.
struct StaticFileHandler: Sendable {
    let fileSystem: StaticFileSystem
    let options: StaticFileOptions
    let cache: StaticFileCache?

    init(directory: String, options: StaticFileOptions) {
        self.fileSystem = StaticFileSystem(root: directory, indexFile: options.indexFile, allowHidden: options.allowsHiddenFiles)
        self.options = options
        self.cache = options.memoryCache.map(StaticFileCache.init)
    }

    /// The response for a GET or HEAD `request` routed here. The path below the mount is
    /// the route's catch-all `*`; without one (the mount itself, `/assets`), the root.
    func respond(to request: Request) -> Response {
        let path: StaticFilePath? = request.withPathBytes { bytes in
            guard let range = request.parameters.range("*") else {
                return StaticFilePath(relative: [], trailingSlash: false)
            }
            return StaticFilePath.resolve(UnsafeRawBufferPointer(rebasing: bytes[range]), allowHidden: options.allowsHiddenFiles)
        }
        guard let path else { return App.notFound }
        let accepted = options.precompressed.isEmpty
            ? [] : AcceptEncoding(request.header("accept-encoding")).preferred(among: options.precompressed)
        let key = cache.map { _ in StaticFileCache.Key(path: path.relative, trailingSlash: path.trailingSlash, accepted: accepted) }
        let now = NIODeadline.now().uptimeNanoseconds
        if let cache, let key, let entry = cache.fresh(key, now: now) {
            return plan(entry.representation, request).response(servingBytes: entry.bytes)
        }
        switch fileSystem.lookUp(path) {
        case .notFound:
            return App.notFound
        case .directoryWithoutSlash:
            return Self.redirectToDirectory(request)
        case .file(let file, let canonicalPath):
            let (served, representation) = choose(file, at: canonicalPath, accepted: accepted)
            if let cache, let key, served.metadata.size <= cache.settings.maxFileSize, let bytes = cachedBytes(served, key, cache) {
                served.close()
                cache.store(key, StaticFileCache.Entry(bytes: bytes, metadata: served.metadata, representation: representation, checkedAt: now))
                return plan(representation, request).response(servingBytes: bytes)
            }
            return plan(representation, request).response(serving: served)
        }
    }

    /// The bytes of a small file for the cache: the cached ones when the file is unchanged
    /// (same size, modification time and inode), else read now; nil when it cannot be read.
    private func cachedBytes(_ file: OpenedFile, _ key: StaticFileCache.Key, _ cache: StaticFileCache) -> ByteBuffer? {
        if let stale = cache.stale(key), stale.metadata == file.metadata { return stale.bytes }
        var bytes = ByteBuffer()
        bytes.reserveCapacity(file.metadata.size)
        do {
            try FileDescriptorOwner.read(file.descriptor, at: 0, count: file.metadata.size, into: &bytes)
        } catch {
            return nil
        }
        return bytes
    }

    /// The representation to serve: a precompressed sibling the client accepts (`accepted`,
    /// in preference order), else the file. Takes ownership of `file`.
    private func choose(_ file: OpenedFile, at path: [UInt8], accepted: [ContentCoding]) -> (OpenedFile, FileRepresentation) {
        var served = file
        var encoding: ContentCoding?
        for coding in accepted {
            if let sibling = fileSystem.openSibling(of: path, coding) {
                file.close()
                served = sibling
                encoding = coding
                break
            }
        }
        let representation = FileRepresentation(
            size: served.metadata.size,
            validators: FileValidators(served.metadata, encoding: encoding),
            contentType: MediaTypes.contentType(forPath: path),
            encoding: encoding,
            // `Vary` on every response while precompressed siblings are served, whether this
            // file has one or not (as nginx's gzip_vary does): a cache must not give a
            // client that accepts gzip the plain file when a `.gz` appears, and finding out
            // whether a sibling exists would cost a failed `stat` per coding per request.
            hasVariants: !options.precompressed.isEmpty
        )
        return (served, representation)
    }

    /// How to answer `request` with `representation`.
    private func plan(_ representation: FileRepresentation, _ request: Request) -> FileResponsePlan {
        FileResponsePlan(
            isHead: request.method == .head, request: Self.conditionalHeaders(request), file: representation,
            cacheControl: options.cacheControl, rangeLimits: RangeRequest.Limits(maxRanges: options.maxRanges),
            now: DateCache.currentSecond()
        )
    }

    /// The request's conditional and range headers. A list header sent on several lines
    /// is one list (RFC 9110 §5.3).
    static func conditionalHeaders(_ request: Request) -> FileRequestHeaders {
        func list(_ name: String) -> String? {
            let values = request.headers(named: name)
            return values.count <= 1 ? values.first : values.joined(separator: ", ")
        }
        return FileRequestHeaders(
            ifMatch: list("if-match"), ifNoneMatch: list("if-none-match"),
            ifModifiedSince: request.header("if-modified-since"), ifUnmodifiedSince: request.header("if-unmodified-since"),
            ifRange: request.header("if-range"), range: request.header("range")
        )
    }

    /// 301 to the path with a slash added, the query kept: a directory's index is served at
    /// `/docs/`, so that its relative links (`guide.html`) resolve under `/docs/`.
    static func redirectToDirectory(_ request: Request) -> Response {
        var location = request.withPathBytes { String(decoding: $0, as: UTF8.self) } + "/"
        // `//host` would be a link to another site: never redirect there.
        guard !location.hasPrefix("//") else { return App.notFound }
        if let query = request.query { location += "?" + query }
        return Response(
            status: .movedPermanently, contentType: "text/plain; charset=utf-8", headers: ["Location": location],
            body: .string("Moved Permanently\n")
        )
    }
}

extension RouteBuilder {
    /// Serves the files under `directory` at `prefix`: `app.static("/assets", directory:
    /// "Public")` answers `GET /assets/css/site.css` with `Public/css/site.css`.
    ///
    /// Registers `GET` routes for `prefix` and `prefix/*` (HEAD answers from them; other
    /// methods get 405). A relative `directory` is relative to the working directory. See
    /// <doc:StaticFiles> for what is served and how: safe paths (every traversal form is a
    /// 404), content types, `ETag`/`Last-Modified` with conditional requests (304, 412),
    /// byte ranges (206, 416), precompressed `.br`/`.gz` siblings, and `index.html`.
    public func `static`(_ prefix: String, directory: String, options: StaticFileOptions = StaticFileOptions()) {
        let handler = StaticFileHandler(directory: directory, options: options)
        var mount = prefix
        while mount.hasSuffix("/") { mount.removeLast() }
        // The mount itself (`/assets`) redirects to `/assets/`; at the root there is none.
        if !mount.isEmpty {
            get(mount) { (request: Request) -> Response in handler.respond(to: request) }
        }
        get(mount + "/*") { (request: Request) -> Response in handler.respond(to: request) }
    }
}
