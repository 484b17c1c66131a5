import HTTPTypes
import NIOConcurrencyHelpers
import Pronto
import ProntoHTTPTypes
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("swift-http-types conversions: requests and responses both ways")
struct HTTPTypesConversionTests {
    /// An app that keeps every request's `httpRequest` (unrouted ones too: the middleware
    /// wraps the 404 and 405 answers as well).
    static func recordingApp() -> (App, NIOLockedValueBox<[HTTPRequest]>) {
        let seen = NIOLockedValueBox<[HTTPRequest]>([])
        let app = App(configuration: quietConfiguration())
        app.use(ClosureMiddleware { request, next in
            seen.withLockedValue { $0.append(request.httpRequest) }
            return try await next(request)
        })
        app.get("/users") { _ in "users" }
        app.on(methodName: "BREW", "/pot") { _ in "coffee" }
        return (app, seen)
    }

    @Test("origin form: method, scheme, authority from Host (not repeated in the fields), path with the query, fields in order")
    func originForm() async throws {
        let (app, seen) = Self.recordingApp()
        try await app.test(.inProcess) { client async throws in
            let headers = [("Host", "example.com:8080"), ("Accept", "text/html"), ("X-Tag", "a"), ("x-tag", "b")]
            #expect(try await client.get("/users?page=2", headers: headers).status == 200)
        }
        let request = try #require(seen.withLockedValue { $0 }.first)
        #expect(request.method == .get)
        #expect(request.scheme == "http")
        #expect(request.authority == "example.com:8080")
        #expect(request.path == "/users?page=2")
        #expect(request.headerFields[HTTPField.Name("Host")!] == nil)
        #expect(request.headerFields[.accept] == "text/html")
        #expect(request.headerFields[values: HTTPField.Name("X-Tag")!] == ["a", "b"])
        #expect(request.headerFields.map(\.name.rawName) == ["Accept", "X-Tag", "x-tag"], "names as sent, in order")
    }

    @Test("other target forms: absolute, asterisk, authority (CONNECT); an unregistered method")
    func otherTargets() async throws {
        let (app, seen) = Self.recordingApp()
        try await app.test(.inProcess) { client async throws in
            _ = try await client.request("GET", "http://proxy.example/users?x=1")
            _ = try await client.request("OPTIONS", "*")
            _ = try await client.request("CONNECT", "db.example:5432", headers: [("Host", "db.example:5432")])
            #expect(try await client.request("BREW", "/pot").bodyString == "coffee")
        }
        let requests = seen.withLockedValue { $0 }
        try #require(requests.count == 4, "\(requests)")
        #expect(requests[0].authority == "proxy.example", "the absolute target's authority wins over Host")
        #expect(requests[0].path == "/users?x=1")
        #expect(requests[1].method == .options)
        #expect(requests[1].path == "*")
        #expect(requests[2].method == .connect)
        #expect(requests[2].scheme == nil)
        #expect(requests[2].path == nil)
        #expect(requests[2].authority == "db.example:5432")
        #expect(requests[3].method.rawValue == "BREW")
    }

    @Test("Response -> HTTPResponse: status and reason, Content-Type first, the fields in order")
    func responseToHTTPTypes() throws {
        var response = Response(status: HTTPStatus(code: 299, reasonPhrase: "Fine"), contentType: "application/json", body: .string("{}"))
        response.headers.add(name: "Cache-Control", value: "no-store")
        response.headers.add(name: "Set-Cookie", value: "a=1")
        response.headers.add(name: "Set-Cookie", value: "b=2")
        let head = try response.httpResponse()
        #expect(head.status.code == 299)
        #expect(head.status.reasonPhrase == "Fine")
        #expect(head.headerFields.map(\.name.rawName) == ["Content-Type", "Cache-Control", "Set-Cookie", "Set-Cookie"])
        #expect(head.headerFields[values: .setCookie] == ["a=1", "b=2"])
    }

    @Test("a field name that is not a token: a thrown error naming it")
    func invalidName() throws {
        var response = Response()
        response.headers.add(name: "Bad Name", value: "x")
        #expect(throws: HTTPTypesConversionError.invalidFieldName("Bad Name")) { try response.httpResponse() }
        #expect(HTTPTypesConversionError.invalidFieldName("Bad Name").description.contains("\"Bad Name\" is not an HTTP token"))
    }

    @Test("HTTPResponse -> Response, served: status, fields, Content-Type as the content type, framing left to Pronto", arguments: TestMode.allCases)
    func httpTypesToResponse(mode: TestMode) async throws {
        let app = App(configuration: quietConfiguration())
        app.post("/things") { _ in
            var head = HTTPResponse(status: .created)
            head.headerFields[.location] = "/things/7"
            head.headerFields[.contentType] = "text/plain; charset=utf-8"
            head.headerFields[.contentLength] = "999"  // wrong on purpose: Pronto frames the body itself
            return Response(head, body: .string("made"))
        }
        try await app.test(mode) { client async throws in
            let response = try await client.post("/things", body: "")
            #expect(response.status == 201)
            #expect(response.header("Location") == "/things/7")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.header("Content-Length") == "4")
            #expect(response.bodyString == "made")
        }
    }

    @Test("a status made from its code alone (empty reason) gets the registered reason phrase")
    func emptyReason() {
        #expect(Response(HTTPResponse(status: HTTPResponse.Status(code: 204))).status.reasonPhrase == "No Content")
        #expect(Response(HTTPResponse(status: HTTPResponse.Status(code: 299, reasonPhrase: "Fine"))).status.reasonPhrase == "Fine")
    }

    @Test("fields both ways keep order, duplicates and the names as given")
    func fieldsRoundTrip() throws {
        var fields = ProntoHTTP.HTTPFields()
        fields.add(name: "X-One", value: "1")
        fields.add(name: "x-one", value: "2")
        fields.add(name: "Vary", value: "Accept")
        let converted = try HTTPTypes.HTTPFields(fields)
        #expect(converted.count == 3)
        #expect(ProntoHTTP.HTTPFields(converted) == fields)
    }
}
