/// The request headers that decide how a file is answered, as strings (read once from the
/// request; a test makes them by hand).
struct FileRequestHeaders: Sendable {
    var ifMatch: String?
    var ifNoneMatch: String?
    var ifModifiedSince: String?
    var ifUnmodifiedSince: String?
    var ifRange: String?
    var range: String?

    init(
        ifMatch: String? = nil, ifNoneMatch: String? = nil, ifModifiedSince: String? = nil,
        ifUnmodifiedSince: String? = nil, ifRange: String? = nil, range: String? = nil
    ) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
        self.ifRange = ifRange
        self.range = range
    }
}

/// The representation chosen for a request: a file (the original or a precompressed
/// sibling) with what its response says about it.
struct FileRepresentation: Sendable {
    var size: Int
    var validators: FileValidators
    /// The original file's type, also for a precompressed sibling.
    var contentType: String
    /// Set when a precompressed sibling is served.
    var encoding: ContentCoding?
    /// Whether the file has a precompressed sibling, so the response depends on
    /// `Accept-Encoding` (`Vary`), whichever representation is served.
    var hasVariants: Bool
}

/// How to answer a GET or HEAD for a file, decided without touching the file system or the
/// network: status, headers, and which bytes of the file form the body.
///
/// The order is RFC 9110 §13.2.2's: If-Match, else If-Unmodified-Since (412 when they
/// fail); If-None-Match, else If-Modified-Since (304); then Range, with If-Range.
struct FileResponsePlan: Sendable {
    enum Body: Equatable, Sendable {
        /// No body: 304, 412, 416.
        case none
        /// These bytes of the file (all of them for a 200).
        case range(Range<Int>)
        /// Several ranges as `multipart/byteranges`.
        case multipart(MultipartByteRanges)
    }

    var status: HTTPStatus
    var contentType: String?
    var headers: HTTPFields
    var body: Body

    /// The plan for a GET (`isHead` false) or HEAD request with `request`'s headers, for
    /// `file`. `now` is the current epoch second (a later If-Modified-Since is invalid);
    /// `boundary` makes a multipart boundary when one is needed.
    init(
        isHead: Bool, request: FileRequestHeaders, file: FileRepresentation, cacheControl: String?,
        rangeLimits: RangeRequest.Limits = .init(), now: Int, boundary: () -> String = MultipartByteRanges.makeBoundary
    ) {
        let tag = file.validators.entityTag
        let lastModified = file.validators.lastModified
        status = .ok
        contentType = nil
        headers = HTTPFields()
        body = .none

        // 1. and 2.: the client's precondition for changing or reading exactly this version.
        if let ifMatch = request.ifMatch {
            if !EntityTagMatching.list(ifMatch, contains: tag, weak: false) {
                status = .preconditionFailed
                return
            }
        } else if let text = request.ifUnmodifiedSince, let date = HTTPDate.parse(text), lastModified > date {
            status = .preconditionFailed
            return
        }
        // 3. and 4.: the client's cache is current.
        if let ifNoneMatch = request.ifNoneMatch {
            if EntityTagMatching.list(ifNoneMatch, contains: tag, weak: true) {
                notModified(file, cacheControl)
                return
            }
        } else if let text = request.ifModifiedSince, let date = HTTPDate.parse(text), date <= now, lastModified <= date {
            notModified(file, cacheControl)
            return
        }
        // 5.: ranges, for GET only (RFC 9110 §14.2: Range is defined for GET), and only
        // while If-Range still names this version.
        var ranges = RangeRequest.full
        if !isHead, let range = request.range, Self.ifRangeHolds(request.ifRange, file.validators) {
            ranges = RangeRequest(header: range, size: file.size, limits: rangeLimits)
        }
        switch ranges {
        case .unsatisfiable:
            status = .rangeNotSatisfiable
            headers.add(name: "Accept-Ranges", value: "bytes")
            headers.add(name: "Content-Range", value: "bytes */\(file.size)")
            if file.hasVariants { headers.add(name: "Vary", value: "Accept-Encoding") }
        case .ranges(let list) where list.count == 1:
            status = .partialContent
            addRepresentationHeaders(file, cacheControl)
            headers.add(name: "Content-Range", value: MultipartByteRanges.contentRange(list[0], size: file.size))
            contentType = file.contentType
            body = .range(list[0])
        case .ranges(let list) where file.encoding == nil:
            status = .partialContent
            addRepresentationHeaders(file, cacheControl)
            let multipart = MultipartByteRanges(ranges: list, size: file.size, contentType: file.contentType, boundary: boundary())
            contentType = multipart.contentType
            body = .multipart(multipart)
        case .full, .ranges:
            // Several ranges of an encoded representation are answered in full: a
            // `Content-Encoding` beside a multipart type would read as if the multipart
            // body were compressed.
            addRepresentationHeaders(file, cacheControl)
            contentType = file.contentType
            body = .range(0..<file.size)
        }
    }

    /// Whether the Range header applies: no If-Range, or one naming the current version
    /// (RFC 9110 §13.1.5): an entity-tag that matches strongly, or a date equal to
    /// Last-Modified.
    static func ifRangeHolds(_ ifRange: String?, _ validators: FileValidators) -> Bool {
        guard let ifRange else { return true }
        let value = Substring(ifRange).trimmingWhitespace()
        if EntityTagMatching.isEntityTag(String(value)) {
            return EntityTagMatching.list(String(value), contains: validators.entityTag, weak: false)
        }
        return HTTPDate.parse(value) == validators.lastModified
    }

    /// 304: the headers a 200 would have had that a cache updates (RFC 9110 §15.4.5);
    /// no Last-Modified, since there is an ETag.
    private mutating func notModified(_ file: FileRepresentation, _ cacheControl: String?) {
        status = .notModified
        headers.add(name: "ETag", value: file.validators.entityTag)
        if let cacheControl { headers.add(name: "Cache-Control", value: cacheControl) }
        if file.hasVariants { headers.add(name: "Vary", value: "Accept-Encoding") }
    }

    private mutating func addRepresentationHeaders(_ file: FileRepresentation, _ cacheControl: String?) {
        headers.add(name: "Accept-Ranges", value: "bytes")
        headers.add(name: "ETag", value: file.validators.entityTag)
        headers.add(name: "Last-Modified", value: file.validators.lastModifiedHeader)
        if let cacheControl { headers.add(name: "Cache-Control", value: cacheControl) }
        if let encoding = file.encoding { headers.add(name: "Content-Encoding", value: encoding.headerValue) }
        if file.hasVariants { headers.add(name: "Vary", value: "Accept-Encoding") }
    }
}
