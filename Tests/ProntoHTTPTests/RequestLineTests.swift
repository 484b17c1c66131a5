import ProntoHTTP
import Testing

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version

@Suite("Request line (RFC 9112 §3)")
struct RequestLineTests {
    @Test("method is a token (RFC 9110 §9.1, §5.6.2)")
    func methodIsToken() {
        expectError(request("G@T / HTTP/1.1", "Host: a"), .invalidMethod, status: 400)
        expectError(request("GE(T / HTTP/1.1", "Host: a"), .invalidMethod, status: 400)
        expectError(request(" GET / HTTP/1.1", "Host: a"), .invalidMethod, status: 400)
        expectError(request("GET\t/ HTTP/1.1", "Host: a"), .invalidMethod, status: 400)
        expectError(request("GÉT / HTTP/1.1", "Host: a"), .invalidMethod, status: 400)
        // Any token is a method; the registered ones are recognised, the rest are `.other`.
        let custom = parseHead(request("M-SEARCH /x HTTP/1.1", "Host: a"))
        #expect(custom?.method == .other)
        #expect(custom?.methodName == "M-SEARCH")
        // Methods are case-sensitive: `get` is a token but not GET.
        #expect(parseHead(request("get / HTTP/1.1", "Host: a"))?.method == .other)
        let known: [(String, HTTPMethod)] = [
            ("GET", .get), ("HEAD", .head), ("POST", .post), ("PUT", .put), ("DELETE", .delete),
            ("OPTIONS", .options), ("PATCH", .patch), ("TRACE", .trace), ("PURGE", .other), ("POSTS", .other),
        ]
        for (name, method) in known {
            let head = parseHead(request("\(name) / HTTP/1.1", "Host: a"))
            #expect(head?.method == method, "\(name)")
            #expect(head?.methodName == name)
            #expect(method.name == (method == .other ? nil : name))
        }
    }

    @Test("origin-form: path and query ranges (RFC 9112 §3.2.1)")
    func originForm() throws {
        let head = try #require(parseHead(request("GET /a/b%20c?x=1&y=/?z HTTP/1.1", "Host: a")))
        #expect(head.targetForm == .origin)
        #expect(head.target == "/a/b%20c?x=1&y=/?z")
        #expect(head.path == "/a/b%20c")
        #expect(head.query == "x=1&y=/?z")
        #expect(head.authority == nil)

        let noQuery = try #require(parseHead(request("GET /only HTTP/1.1", "Host: a")))
        #expect(noQuery.path == "/only")
        #expect(noQuery.query == nil)

        let emptyQuery = try #require(parseHead(request("GET /? HTTP/1.1", "Host: a")))
        #expect(emptyQuery.path == "/")
        #expect(emptyQuery.query == "")
    }

    @Test("absolute-form: authority, path and query ranges (RFC 9112 §3.2.2)")
    func absoluteForm() throws {
        let head = try #require(parseHead(request("GET http://example.com:8080/p/q?k=v HTTP/1.1", "Host: example.com")))
        #expect(head.targetForm == .absolute)
        #expect(head.authority == "example.com:8080")
        #expect(head.path == "/p/q")
        #expect(head.query == "k=v")
        #expect(head.target == "http://example.com:8080/p/q?k=v")

        // No path: the path range is empty (meaning "/"); the query may follow the authority.
        let bare = try #require(parseHead(request("GET https://h.example HTTP/1.1", "Host: h")))
        #expect(bare.targetForm == .absolute)
        #expect(bare.authority == "h.example")
        #expect(bare.path == "")
        #expect(bare.query == nil)
        let queryOnly = try #require(parseHead(request("GET http://h?x HTTP/1.1", "Host: h")))
        #expect(queryOnly.authority == "h")
        #expect(queryOnly.path == "")
        #expect(queryOnly.query == "x")

        // The scheme is case-insensitive (RFC 3986 §3.1).
        #expect(parseHead(request("GET HTTP://H/x HTTP/1.1", "Host: h"))?.authority == "H")
        // Only http and https are served; an empty authority is invalid.
        expectError(request("GET ftp://h/x HTTP/1.1", "Host: h"), .invalidTarget, status: 400)
        expectError(request("GET http:///x HTTP/1.1", "Host: h"), .invalidTarget, status: 400)
        expectError(request("GET http:/x HTTP/1.1", "Host: h"), .invalidTarget, status: 400)
        expectError(request("GET relative/path HTTP/1.1", "Host: h"), .invalidTarget, status: 400)
    }

    @Test("asterisk-form is for OPTIONS only (RFC 9112 §3.2.4)")
    func asteriskForm() throws {
        let head = try #require(parseHead(request("OPTIONS * HTTP/1.1", "Host: a")))
        #expect(head.targetForm == .asterisk)
        #expect(head.target == "*")
        #expect(head.path == "")
        expectError(request("GET * HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("OPTIONS *x HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
    }

    @Test("authority-form is for CONNECT only, host:port (RFC 9112 §3.2.3)")
    func authorityForm() throws {
        let head = try #require(parseHead(request("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443")))
        #expect(head.method == .connect)
        #expect(head.targetForm == .authority)
        #expect(head.authority == "example.com:443")
        #expect(head.path == "")
        #expect(parseHead(request("CONNECT [::1]:8443 HTTP/1.1", "Host: x"))?.authority == "[::1]:8443")

        expectError(request("CONNECT /path HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("CONNECT example.com HTTP/1.1", "Host: a"), .invalidTarget, status: 400)  // no port
        expectError(request("CONNECT example.com: HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("CONNECT :443 HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("CONNECT example.com:44a HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("CONNECT user@example.com:443 HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("CONNECT a/b:443 HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("CONNECT a:443?x HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        // Another method may not use authority-form.
        expectError(request("GET example.com:443 HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
    }

    @Test("HTTP/1.0 and HTTP/1.1 are served (RFC 9112 §2.3)")
    func versions1x() {
        let v10 = parseHead(request("GET / HTTP/1.0"))
        #expect(v10?.version == .http1_0)
        #expect(v10?.version.isAtLeast1_1 == false)
        let v11 = parseHead(request("GET / HTTP/1.1", "Host: a"))
        #expect(v11?.version == .http1_1)
        #expect(v11?.version.isAtLeast1_1 == true)
    }

    @Test("a higher 1.x minor is accepted and kept (RFC 9110 §2.5, §6.2)")
    func higherMinorVersion() {
        let head = parseHead(request("GET / HTTP/1.2", "Host: a"))
        #expect(head?.version == HTTPVersion(major: 1, minor: 2))
        #expect(head?.version.description == "HTTP/1.2")
        // It is treated as 1.1 (the server answers as 1.1): Host required, persistent by default.
        #expect(head?.version.isAtLeast1_1 == true)
        #expect(head?.keepAlive == true)
        expectError(request("GET / HTTP/1.9"), .missingHost, status: 400)
    }

    @Test("another major version is refused with 505 (RFC 9110 §15.6.6)")
    func otherMajorVersion() {
        for version in ["HTTP/2.0", "HTTP/0.9", "HTTP/3.0", "HTTP/9.9", "HTTP/0.0"] {
            expectError(request("GET / \(version)", "Host: a"), .unsupportedVersion, status: 505)
        }
    }

    @Test("malformed version is 400 (RFC 9112 §2.3: HTTP-version is case-sensitive, one digit each)")
    func malformedVersion() {
        for version in ["HTTP/1.x", "http/1.1", "HTTP/a.1", "HTTX/1.1", "HTTP-1.1", "HTTP/1,1", "HTTPS1.1", "HTTP/1.\u{7E}"] {
            expectError(request("GET / \(version)", "Host: a"), .invalidVersion, status: 400)
        }
        // Wrong length or a missing version breaks the line's shape.
        for line in ["GET / HTTP/1", "GET / HTTP/11.1", "GET / HTTP/1.10", "GET /", "GET", "GET / HTTP/1.1 ", "GET /HTTP/1.1"] {
            expectError(request(line, "Host: a"), .invalidRequestLine, status: 400)
        }
    }

    @Test("exactly one SP between the parts, no whitespace or non-ASCII in the target (RFC 9112 §3, §3.2)")
    func singleSpaces() {
        expectError(request("GET  / HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("GET /  HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("GET /a b HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("GET /a\tb HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("GET /é HTTP/1.1", "Host: a"), .invalidTarget, status: 400)
        expectError(request("GET /\u{7F} HTTP/1.1", "Host: a"), .controlCharacter, status: 400)
        expectError(request("GET /\u{0} HTTP/1.1", "Host: a"), .controlCharacter, status: 400)
    }

    @Test("empty lines before the request line are ignored (RFC 9112 §2.2)")
    func leadingEmptyLines() throws {
        let text = "\r\n\r\n" + request("GET /x HTTP/1.1", "Host: a")
        let head = try #require(parseHead(text))
        #expect(head.path == "/x")
        #expect(head.methodName == "GET")
        #expect(head.length == text.utf8.count)  // the empty lines are consumed with the head
        // But a bare LF is not an empty line.
        expectError("\n" + request("GET /x HTTP/1.1", "Host: a"), .bareLF, status: 400)
    }

    @Test("the head's length covers the request line through the blank line")
    func headLength() throws {
        let text = request("POST /upload HTTP/1.1", "Host: a", "Content-Length: 3")
        let head = try #require(parse(text + "abc").head)
        #expect(head.length == text.utf8.count)
        #expect(head.contentLength == 3)
    }
}
