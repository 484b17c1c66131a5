import Pronto
import Testing

@Suite("Router: percent-encoding")
struct RouterPercentEncodingTests {
    @Test("an encoded segment matches its decoded literal")
    func decodedLiterals() throws {
        let router = try makeRouter([("GET", "/café"), ("GET", "/a b"), ("GET", "/abc"), ("GET", "/100%")])
        #expect(router.outcome("GET", "/caf%C3%A9") == .found("GET /café", [:]))
        #expect(router.outcome("GET", "/caf%c3%a9") == .found("GET /café", [:]))
        #expect(router.outcome("GET", "/café") == .found("GET /café", [:]))
        #expect(router.outcome("GET", "/a%20b") == .found("GET /a b", [:]))
        #expect(router.outcome("GET", "/%61%62%63") == .found("GET /abc", [:]))
        #expect(router.outcome("GET", "/100%25") == .found("GET /100%", [:]))
        #expect(router.outcome("GET", "/a+b") == .notFound, "+ is not a space in a path")
    }

    @Test("parameter values are decoded; the raw value is there too")
    func decodedValues() throws {
        let router = try makeRouter([("GET", "/users/{name}")])
        #expect(router.outcome("GET", "/users/j%C3%B6rg") == .found("GET /users/{name}", ["name": "jörg"]))
        #expect(router.outcome("GET", "/users/a%20b+c") == .found("GET /users/{name}", ["name": "a b+c"]))
        var path = "/users/j%C3%B6rg"
        path.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let parameters = router.match(.get, path: bytes).parameters
            #expect(parameters?.rawValue("name", in: bytes) == "j%C3%B6rg")
            #expect(parameters?.value("name", in: bytes) == "jörg")
        }
    }

    @Test("%2F is data inside a segment, never a separator")
    func encodedSlash() throws {
        let router = try makeRouter([("GET", "/files/{name}"), ("GET", "/a/b"), ("GET", "/raw/*")])
        #expect(router.outcome("GET", "/files/a%2Fb") == .found("GET /files/{name}", ["name": "a/b"]))
        #expect(router.outcome("GET", "/files/a%2fb") == .found("GET /files/{name}", ["name": "a/b"]))
        #expect(router.outcome("GET", "/a%2Fb") == .notFound)
        #expect(router.outcome("GET", "/files/a/b") == .notFound)
        #expect(router.outcome("GET", "/raw/x%2Fy/z") == .found("GET /raw/*", ["*": "x/y/z"]))
    }

    @Test("a % without two hex digits is kept as it is")
    func invalidEscapes() throws {
        let router = try makeRouter([("GET", "/v/{x}"), ("GET", "/%zz")])
        #expect(router.outcome("GET", "/v/%zz") == .found("GET /v/{x}", ["x": "%zz"]))
        #expect(router.outcome("GET", "/v/50%") == .found("GET /v/{x}", ["x": "50%"]))
        #expect(router.outcome("GET", "/v/%4") == .found("GET /v/{x}", ["x": "%4"]))
        #expect(router.outcome("GET", "/v/%4g1") == .found("GET /v/{x}", ["x": "%4g1"]))
        #expect(router.outcome("GET", "/%zz") == .found("GET /%zz", [:]))
    }

    @Test("decoded bytes that are not UTF-8 become U+FFFD")
    func invalidUTF8() throws {
        let router = try makeRouter([("GET", "/v/{x}")])
        #expect(router.outcome("GET", "/v/a%FFb") == .found("GET /v/{x}", ["x": "a\u{FFFD}b"]))
    }
}
