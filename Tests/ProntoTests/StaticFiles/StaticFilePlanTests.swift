import Testing

@testable import Pronto

@Suite("StaticFiles: conditional requests and the response plan")
struct StaticFilesPlanTests {
    static let modified = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT
    static let metadata = FileMetadata(kind: .regular, size: 1000, modifiedSeconds: modified, modifiedNanoseconds: 0, inode: 7)
    static let tag = FileValidators(metadata).entityTag
    static let now = modified + 86400

    func plan(
        _ headers: FileRequestHeaders = .init(), isHead: Bool = false, encoding: ContentCoding? = nil, hasVariants: Bool = false,
        cacheControl: String? = nil, size: Int = 1000
    ) -> FileResponsePlan {
        var metadata = Self.metadata
        metadata.size = size
        let file = FileRepresentation(
            size: size, validators: FileValidators(metadata, encoding: encoding), contentType: "text/plain; charset=utf-8",
            encoding: encoding, hasVariants: hasVariants
        )
        return FileResponsePlan(isHead: isHead, request: headers, file: file, cacheControl: cacheControl, now: Self.now, boundary: { "BOUNDARY" })
    }

    static func date(_ offset: Int) -> String { HTTPDate.string(modified + offset) }

    @Test("a plain GET: 200 with validators and Accept-Ranges, the whole file")
    func plain() {
        let p = plan(cacheControl: "public, max-age=60")
        #expect(p.status == .ok)
        #expect(p.contentType == "text/plain; charset=utf-8")
        #expect(p.headers["Accept-Ranges"] == "bytes")
        #expect(p.headers["ETag"] == Self.tag)
        #expect(p.headers["Last-Modified"] == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(p.headers["Cache-Control"] == "public, max-age=60")
        #expect(p.headers["Vary"] == nil)
        #expect(p.headers["Content-Encoding"] == nil)
        #expect(p.body == .range(0..<1000))
        #expect(plan(isHead: true).body == .range(0..<1000), "HEAD plans the same; the engine leaves the body out")
    }

    @Test("If-None-Match: 304 on a weak match or *, with ETag, Cache-Control and Vary only")
    func ifNoneMatch() {
        for value in [Self.tag, "W/" + Self.tag, "\"other\", " + Self.tag, "*"] {
            let p = plan(.init(ifNoneMatch: value), hasVariants: true, cacheControl: "no-cache")
            #expect(p.status == .notModified, "\(value)")
            #expect(p.body == .none)
            #expect(p.headers["ETag"] == Self.tag)
            #expect(p.headers["Cache-Control"] == "no-cache")
            #expect(p.headers["Vary"] == "Accept-Encoding")
            #expect(p.headers["Last-Modified"] == nil)
        }
        #expect(plan(.init(ifNoneMatch: "\"other\"")).status == .ok)
        #expect(plan(.init(ifNoneMatch: Self.tag), isHead: true).status == .notModified)
        #expect(plan(.init(ifNoneMatch: Self.tag), encoding: .brotli).status == .ok, "each encoding has its own tag")
    }

    @Test("If-Modified-Since: 304 unless modified later; ignored with If-None-Match, when invalid or in the future")
    func ifModifiedSince() {
        #expect(plan(.init(ifModifiedSince: Self.date(0))).status == .notModified)
        #expect(plan(.init(ifModifiedSince: Self.date(10))).status == .notModified)
        #expect(plan(.init(ifModifiedSince: Self.date(-1))).status == .ok)
        #expect(plan(.init(ifModifiedSince: "Sunday, 06-Nov-94 08:49:37 GMT")).status == .notModified, "RFC 850 form")
        #expect(plan(.init(ifModifiedSince: "Sun Nov  6 08:49:37 1994")).status == .notModified, "asctime form")
        #expect(plan(.init(ifModifiedSince: "garbage")).status == .ok)
        #expect(plan(.init(ifModifiedSince: Self.date(2 * 86400))).status == .ok, "a date after now is invalid")
        #expect(plan(.init(ifNoneMatch: "\"other\"", ifModifiedSince: Self.date(10))).status == .ok, "If-None-Match wins")
    }

    @Test("If-Match and If-Unmodified-Since: 412 when they fail, checked first")
    func preconditions() {
        #expect(plan(.init(ifMatch: Self.tag)).status == .ok)
        #expect(plan(.init(ifMatch: "*")).status == .ok)
        #expect(plan(.init(ifMatch: "\"other\"")).status == .preconditionFailed)
        #expect(plan(.init(ifMatch: "W/" + Self.tag)).status == .preconditionFailed, "strong comparison")
        #expect(plan(.init(ifUnmodifiedSince: Self.date(0))).status == .ok)
        #expect(plan(.init(ifUnmodifiedSince: Self.date(-1))).status == .preconditionFailed)
        #expect(plan(.init(ifUnmodifiedSince: "garbage")).status == .ok, "an invalid date is ignored")
        #expect(plan(.init(ifMatch: Self.tag, ifUnmodifiedSince: Self.date(-1))).status == .ok, "If-Match wins")
        // 412 comes before 304.
        #expect(plan(.init(ifMatch: "\"other\"", ifNoneMatch: Self.tag)).status == .preconditionFailed)
        #expect(plan(.init(ifMatch: "\"other\"")).body == .none)
    }

    @Test("Range: 206 for one range, 416 with Content-Range */size, ignored for HEAD")
    func ranges() {
        let single = plan(.init(range: "bytes=10-19"))
        #expect(single.status == .partialContent)
        #expect(single.headers["Content-Range"] == "bytes 10-19/1000")
        #expect(single.headers["ETag"] == Self.tag)
        #expect(single.contentType == "text/plain; charset=utf-8")
        #expect(single.body == .range(10..<20))
        let none = plan(.init(range: "bytes=1000-"))
        #expect(none.status == .rangeNotSatisfiable)
        #expect(none.headers["Content-Range"] == "bytes */1000")
        #expect(none.body == .none)
        #expect(plan(.init(range: "bytes=0-1"), isHead: true).status == .ok)
        #expect(plan(.init(range: "bytes=5-1")).status == .ok)
        #expect(plan(.init(ifNoneMatch: Self.tag, range: "bytes=0-1")).status == .notModified, "304 before ranges")
    }

    @Test("several ranges: multipart/byteranges; an encoded representation is sent whole")
    func multipart() {
        let p = plan(.init(range: "bytes=0-4,50-59"))
        #expect(p.status == .partialContent)
        #expect(p.contentType == "multipart/byteranges; boundary=BOUNDARY")
        #expect(p.headers["Content-Range"] == nil)
        guard case .multipart(let layout) = p.body else {
            Issue.record("expected multipart")
            return
        }
        #expect(layout.parts.map(\.range) == [0..<5, 50..<60])
        #expect(layout.parts[0].head.contains("Content-Type: text/plain; charset=utf-8\r\n"))
        let encoded = plan(.init(range: "bytes=0-4,50-59"), encoding: .gzip, hasVariants: true)
        #expect(encoded.status == .ok)
        #expect(encoded.headers["Content-Encoding"] == "gzip")
        let encodedSingle = plan(.init(range: "bytes=0-4"), encoding: .gzip, hasVariants: true)
        #expect(encodedSingle.status == .partialContent, "a range of the encoded bytes")
        #expect(encodedSingle.headers["Content-Encoding"] == "gzip")
        #expect(encodedSingle.headers["Vary"] == "Accept-Encoding")
    }

    @Test("If-Range: a strong tag or the exact Last-Modified keeps the range; anything else sends the whole file")
    func ifRange() {
        #expect(plan(.init(ifRange: Self.tag, range: "bytes=0-1")).status == .partialContent)
        #expect(plan(.init(ifRange: "\"other\"", range: "bytes=0-1")).status == .ok)
        #expect(plan(.init(ifRange: "W/" + Self.tag, range: "bytes=0-1")).status == .ok, "weak never matches")
        #expect(plan(.init(ifRange: Self.date(0), range: "bytes=0-1")).status == .partialContent)
        #expect(plan(.init(ifRange: Self.date(1), range: "bytes=0-1")).status == .ok, "the date must be equal, not later")
        #expect(plan(.init(ifRange: Self.date(-1), range: "bytes=0-1")).status == .ok)
        #expect(plan(.init(ifRange: "garbage", range: "bytes=0-1")).status == .ok)
        #expect(plan(.init(ifRange: "\"other\"", range: "bytes=5000-")).status == .ok, "no 416 when If-Range fails")
    }

    @Test("precompressed: Content-Encoding, Vary and its own tag")
    func encoded() {
        let p = plan(encoding: .brotli, hasVariants: true)
        #expect(p.headers["Content-Encoding"] == "br")
        #expect(p.headers["Vary"] == "Accept-Encoding")
        #expect(p.headers["ETag"]?.hasSuffix("-br\"") == true)
        #expect(p.contentType == "text/plain; charset=utf-8", "the original's type")
        #expect(plan(hasVariants: true).headers["Vary"] == "Accept-Encoding", "also on the identity response")
    }
}
