import Testing

@testable import Pronto

@Suite("StaticFiles: content types, validators, dates, codings")
struct StaticFilesHeaderTests {
    @Test("content types by extension, any case, with charset for text")
    func mediaTypes() {
        #expect(MediaTypes.contentType(forFileName: "index.html") == "text/html; charset=utf-8")
        #expect(MediaTypes.contentType(forFileName: "SITE.CSS") == "text/css; charset=utf-8")
        #expect(MediaTypes.contentType(forFileName: "app.mjs") == "text/javascript; charset=utf-8")
        #expect(MediaTypes.contentType(forFileName: "data.json") == "application/json; charset=utf-8")
        #expect(MediaTypes.contentType(forFileName: "logo.svg") == "image/svg+xml")
        #expect(MediaTypes.contentType(forFileName: "photo.JPeG") == "image/jpeg")
        #expect(MediaTypes.contentType(forFileName: "font.woff2") == "font/woff2")
        #expect(MediaTypes.contentType(forFileName: "app.wasm") == "application/wasm")
        #expect(MediaTypes.contentType(forFileName: "archive.tar.gz") == "application/gzip")
        #expect(MediaTypes.contentType(forFileName: "README") == MediaTypes.fallback)
        #expect(MediaTypes.contentType(forFileName: "file.") == MediaTypes.fallback)
        #expect(MediaTypes.contentType(forFileName: "x.unknown") == "application/octet-stream")
        #expect(MediaTypes.contentType(forPath: Array("/srv/a.b/README".utf8)) == MediaTypes.fallback, "a dot in a directory name")
        #expect(MediaTypes.contentType(forPath: Array("/srv/a/app.js".utf8)) == "text/javascript; charset=utf-8")
    }

    static let metadata = FileMetadata(kind: .regular, size: 1234, modifiedSeconds: 784_111_777, modifiedNanoseconds: 5, inode: 42)

    @Test("the ETag is size, mtime in nanoseconds and inode, per encoding")
    func entityTags() {
        let plain = FileValidators(Self.metadata)
        #expect(plain.entityTag == "\"4d2-ae1b981bc490a05-2a\"")
        #expect(plain.lastModified == 784_111_777)
        #expect(plain.lastModifiedHeader == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(FileValidators(Self.metadata, encoding: .brotli).entityTag == "\"4d2-ae1b981bc490a05-2a-br\"")
        #expect(FileValidators(Self.metadata, encoding: .gzip).entityTag == "\"4d2-ae1b981bc490a05-2a-gz\"")
        var touched = Self.metadata
        touched.modifiedNanoseconds += 1
        #expect(FileValidators(touched).entityTag != plain.entityTag, "a nanosecond changes the tag")
        var replaced = Self.metadata
        replaced.inode = 43
        #expect(FileValidators(replaced).entityTag != plain.entityTag, "a replaced file changes the tag")
    }

    @Test("entity-tag lists: strong and weak comparison, *, junk")
    func tagLists() {
        let tag = "\"abc\""
        #expect(EntityTagMatching.list("\"abc\"", contains: tag, weak: false))
        #expect(EntityTagMatching.list("\"x\", \"abc\"", contains: tag, weak: false))
        #expect(EntityTagMatching.list("\"x\",\"abc\"", contains: tag, weak: false))
        #expect(EntityTagMatching.list("*", contains: tag, weak: false))
        #expect(EntityTagMatching.list(" * ", contains: tag, weak: true))
        #expect(!EntityTagMatching.list("W/\"abc\"", contains: tag, weak: false), "a weak tag never matches strongly")
        #expect(EntityTagMatching.list("W/\"abc\"", contains: tag, weak: true))
        #expect(!EntityTagMatching.list("\"abcd\"", contains: tag, weak: true))
        #expect(!EntityTagMatching.list("abc", contains: tag, weak: true), "unquoted is not an entity-tag")
        #expect(EntityTagMatching.list("abc, \"abc\"", contains: tag, weak: true))
        #expect(!EntityTagMatching.list("\"abc", contains: tag, weak: true))
        #expect(!EntityTagMatching.list("", contains: tag, weak: true))
        #expect(!EntityTagMatching.list("*x", contains: tag, weak: true))
    }

    @Test("HTTP dates in the three forms of RFC 9110 §5.6.7")
    func dates() {
        let expected = 784_111_777
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", currentYear: 2026) == expected)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == expected)
        #expect(HTTPDate.parse("Sun Nov 16 08:49:37 1994") == expected + 10 * 86400)
        #expect(HTTPDate.parse("  Sun, 06 Nov 1994 08:49:37 GMT ") == expected, "surrounding whitespace")
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.parse("Tue, 29 Feb 2000 23:59:59 GMT") == 951_868_799)
        #expect(HTTPDate.parse(HTTPDate.string(1_764_000_000)) == 1_764_000_000, "round trip")
        // Two-digit years: more than 50 years ahead means the previous century.
        #expect(HTTPDate.parse("Monday, 01-Jan-30 00:00:00 GMT", currentYear: 2026) == HTTPDate.days(year: 2030, month: 1, day: 1) * 86400)
        #expect(HTTPDate.parse("Friday, 01-Jan-99 00:00:00 GMT", currentYear: 2026) == HTTPDate.days(year: 1999, month: 1, day: 1) * 86400)
        for invalid in [
            "", "yesterday", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMTx",
            "Sun Nov 6 08:49:37 1994", "Sun,06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z", "Sun, 06 Nov 94 08:49:37 GMT",
        ] {
            #expect(HTTPDate.parse(invalid) == nil, "\(invalid)")
        }
    }

    @Test("Accept-Encoding: q-values, q=0 refuses, * and ties in the server's order")
    func acceptEncoding() {
        let both: [ContentCoding] = [.brotli, .gzip]
        #expect(AcceptEncoding(nil).preferred(among: both) == [])
        #expect(AcceptEncoding("gzip, deflate, br").preferred(among: both) == [.brotli, .gzip])
        #expect(AcceptEncoding("gzip").preferred(among: both) == [.gzip])
        #expect(AcceptEncoding("GZIP;Q=0.5, BR;q=0.4").preferred(among: both) == [.gzip, .brotli])
        #expect(AcceptEncoding("br;q=0, gzip").preferred(among: both) == [.gzip])
        #expect(AcceptEncoding("br;q=0.000, gzip;q=0").preferred(among: both) == [])
        #expect(AcceptEncoding("*").preferred(among: both) == [.brotli, .gzip])
        #expect(AcceptEncoding("*;q=0.1, br;q=0").preferred(among: both) == [.gzip])
        #expect(AcceptEncoding("identity").preferred(among: both) == [])
        #expect(AcceptEncoding("x-gzip").preferred(among: both) == [.gzip])
        #expect(AcceptEncoding("br;q=abc, gzip").preferred(among: both) == [.gzip], "a malformed q is 0")
        #expect(AcceptEncoding("gzip ; q=1 , br ; q=0.9").preferred(among: both) == [.gzip, .brotli])
        #expect(AcceptEncoding("gzip, br").preferred(among: [.gzip, .brotli]) == [.gzip, .brotli], "ties: the server's order")
        #expect(AcceptEncoding.qvalue("0.5") == 500)
        #expect(AcceptEncoding.qvalue("1") == 1000)
        #expect(AcceptEncoding.qvalue("0.1234") == nil)
    }
}
