import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

/// Query parameters, cookies, JSON bodies and HTTPError, through a real request in each mode.
@Suite("Request helpers")
struct RequestHelpersTests {
    struct User: Codable, Sendable, Equatable {
        var name: String
        var age: Int
    }

    static let handler = HTTPHandler.sync { request in
        switch request.path {
        case "/query":
            let tags = request.queryParameters.values(for: "tag").joined(separator: ",")
            return .text("q=\(request.query("q") ?? "-") tags=\(tags)")
        case "/page":
            let page = try request.query("page", as: Int.self) ?? 1
            return .text("page \(page)")
        case "/cookies":
            let cookies = request.cookies
            var response = Response.text(cookies.keys.sorted().map { "\($0)=\(cookies[$0]!)" }.joined(separator: "&"))
            try response.setCookie(Cookie(name: "seen", value: "yes", path: "/", maxAge: 60, httpOnly: true, sameSite: .lax))
            return response
        case "/bad-cookie":
            var response = Response.text("never")
            try response.setCookie(Cookie(name: "x", value: "a;b"))
            return response
        case "/users":
            let user = try request.decode(User.self)
            return .text("\(user.name) is \(user.age)")
        case "/teapot":
            throw HTTPError(HTTPStatus(code: 418, reasonPhrase: "I'm a teapot"), "short and stout")
        default:
            throw HTTPError(.notFound)
        }
    }

    @Test("query parameters are percent-decoded, + is a space, repeated names kept", arguments: bothModes)
    func query(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/query?q=hello+w%C3%B6rld%21&tag=a&tag=b%2Cc&empty")
            #expect(response.bodyString == "q=hello wörld! tags=a,b,c")
        }
    }

    @Test("typed query access: a bad value is a 400 naming the parameter", arguments: bothModes)
    func typedQuery(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            #expect(try await connection.get("/page?page=7").bodyString == "page 7")
            #expect(try await connection.get("/page").bodyString == "page 1")
            let bad = try await connection.get("/page?page=seven")
            #expect(bad.status == 400)
            #expect(bad.bodyString == "query parameter 'page' must be an integer, got 'seven'\n")
            // The connection goes on.
            #expect(try await connection.get("/page?page=2").status == 200)
        }
    }

    @Test("cookies are read from Cookie headers and set with their attributes", arguments: bothModes)
    func cookies(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            let response = try await connection.get("/cookies", headers: [("Cookie", "b=2; a=\"1\""), ("Cookie", "c=3; a=ignored")])
            #expect(response.bodyString == "a=1&b=2&c=3")
            #expect(response.header("set-cookie") == "seen=yes; Path=/; Max-Age=60; HttpOnly; SameSite=Lax")
            let bad = try await connection.get("/bad-cookie")
            #expect(bad.status == 500)
            #expect(bad.bodyString.contains("percent-encode"))
        }
    }

    @Test("a JSON body decodes; wrong content type is 415, malformed JSON is 400 with the reason", arguments: bothModes)
    func decode(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            let json = [("Content-Type", "application/json; charset=utf-8")]
            let ok = try await connection.request("POST", "/users", headers: json, body: Array(#"{"name":"Ada","age":36}"#.utf8))
            #expect(ok.bodyString == "Ada is 36")
            let wrongType = try await connection.request("POST", "/users", headers: [("Content-Type", "text/plain")], body: Array("x".utf8))
            #expect(wrongType.status == 415)
            let malformed = try await connection.request("POST", "/users", headers: json, body: Array(#"{"name":"Ada","age":"old"}"#.utf8))
            #expect(malformed.status == 400)
            #expect(malformed.bodyString.contains("at age"), "\(malformed.bodyString)")
            let missing = try await connection.request("POST", "/users", headers: json, body: Array(#"{"name":"Ada"}"#.utf8))
            #expect(missing.bodyString.contains("missing key 'age'"))
            #expect(try await connection.request("POST", "/users", headers: json, body: Array(#"{"name":"B","age":1}"#.utf8)).status == 200)
        }
    }

    @Test("HTTPError is answered with its status and reason", arguments: bothModes)
    func httpError(mode: TestMode) async throws {
        try await withTestServer(mode, configuration: quietConfiguration(), handler: Self.handler) { server in
            let connection = try await server.connect()
            let teapot = try await connection.get("/teapot")
            #expect(teapot.status == 418)
            #expect(teapot.reason == "I'm a teapot")
            #expect(teapot.bodyString == "short and stout\n")
            let missing = try await connection.get("/nothing")
            #expect(missing.status == 404)
            #expect(missing.bodyString == "Not Found\n")
        }
    }
}
