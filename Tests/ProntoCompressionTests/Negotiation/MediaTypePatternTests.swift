import Pronto
@testable import ProntoCompression
import Testing

@Suite("Compressible media types")
struct MediaTypePatternTests {
    static let matches: [(pattern: String, contentType: String, matches: Bool)] = [
        ("application/json", "application/json", true),
        ("application/json", "application/json; charset=utf-8", true),
        ("application/json", "Application/JSON;charset=utf-8", true),
        ("application/json", "application/jsonx", false),
        ("application/json", "application/problem+json", false),
        ("text/*", "text/plain; charset=utf-8", true),
        ("text/*", "text/html", true),
        ("text/*", "text/", false),
        ("text/*", "textual/plain", false),
        ("text/*", "image/png", false),
        ("application/*+json", "application/problem+json", true),
        ("application/*+json", "application/json", false),
        ("application/*+json", "application/+json", false),
        ("*/*+xml", "image/svg+xml", true),
        ("*/*", "image/png", true),
        ("image/svg+xml", "image/svg+xml", true),
        ("image/svg+xml", "image/png", false),
        ("text/*", "garbage", false),
    ]

    @Test("patterns match types, subtypes and suffixes, ignoring case and parameters", arguments: matches)
    func matching(pattern: String, contentType: String, matches: Bool) throws {
        #expect(try MediaTypePattern(pattern).matches(contentType) == matches, "\(pattern) vs \(contentType)")
    }

    @Test("a malformed pattern is a configuration error naming it", arguments: ["json", "text/", "/json", "*/json", "te*t/plain", "text/pl*in"])
    func malformed(pattern: String) {
        let error = #expect(throws: ConfigurationError.self) { try CompressionMiddleware(contentTypes: [pattern]) }
        #expect(error?.description.contains("CompressionMiddleware.contentTypes") == true)
    }

    @Test("the default list compresses text, JSON, JavaScript, XML and SVG, not images or archives")
    func defaults() throws {
        let middleware = try CompressionMiddleware()
        let patterns = try middleware.contentTypes.map(MediaTypePattern.init)
        func compressible(_ type: String) -> Bool { patterns.contains { $0.matches(type) } }
        for type in ["text/html; charset=utf-8", "text/css", "text/event-stream", "application/json", "application/ld+json",
                     "application/javascript", "application/xml", "application/atom+xml", "image/svg+xml"] {
            #expect(compressible(type), "\(type)")
        }
        for type in ["image/png", "image/jpeg", "application/zip", "application/gzip", "font/woff2", "video/mp4", "application/octet-stream"] {
            #expect(!compressible(type), "\(type)")
        }
    }

    @Test("invalid sizes and levels are configuration errors")
    func invalidSettings() {
        #expect(throws: ConfigurationError.self) { try CompressionMiddleware(minimumSize: -1) }
        #expect(throws: ConfigurationError.self) { try CompressionMiddleware(maximumFileSize: -1) }
        #expect(throws: ConfigurationError.self) { try CompressionLevel(0) }
        #expect(throws: ConfigurationError.self) { try CompressionLevel(10) }
        #expect(throws: Never.self) { try CompressionLevel(4) }
    }
}
