import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

/// `request.decodeForm` and `request.decodeQuery` through the app, in both test modes.
@Suite("Form and query decoding of requests")
struct FormRequestTests {
    struct Signup: Decodable, Sendable {
        var name: String
        var age: Int
        var tags: [String]?
        var newsletter: Bool?
    }

    struct Search: Decodable, Sendable {
        var q: String
        var page: Int?
        var filter: [String: String]?
    }

    static func makeApp() -> App {
        let app = App(configuration: quietConfiguration())
        app.post("/signup") { request in
            let signup = try request.decodeForm(Signup.self)
            return "\(signup.name) \(signup.age) \(signup.tags ?? []) \(signup.newsletter ?? false)"
        }
        app.get("/search") { request in
            let search = try request.decodeQuery(Search.self)
            return "\(search.q) p\(search.page ?? 1) \(search.filter?.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } ?? [])"
        }
        return app
    }

    static let form = [("Content-Type", "application/x-www-form-urlencoded")]

    @Test("a form body decodes, with the charset parameter and in any case", arguments: bothModes)
    func decodes(mode: TestMode) async throws {
        try await Self.makeApp().test(mode) { client in
            let response = try await client.post("/signup", body: "name=Ada+L.&age=36&tags[]=x&tags[]=y&newsletter=on", headers: Self.form)
            #expect(response.status == 200)
            #expect(response.bodyString == #"Ada L. 36 ["x", "y"] true"#)
            let charset = try await client.post("/signup", body: "name=B&age=1", headers: [("Content-Type", "Application/X-WWW-Form-URLEncoded; charset=UTF-8")])
            #expect(charset.bodyString == "B 1 [] false")
        }
    }

    @Test("415 for another content type, 400 naming the missing or invalid field", arguments: bothModes)
    func errors(mode: TestMode) async throws {
        try await Self.makeApp().test(mode) { client in
            let json = try await client.post("/signup", body: #"{"name":"a"}"#, headers: [("Content-Type", "application/json")])
            #expect(json.status == 415)
            #expect(json.bodyString == "expected a form body (Content-Type: application/x-www-form-urlencoded), got 'application/json'\n")
            let none = try await client.post("/signup", body: "name=a&age=1")
            #expect(none.status == 415)
            let missing = try await client.post("/signup", body: "name=a", headers: Self.form)
            #expect(missing.status == 400)
            #expect(missing.bodyString == "invalid form body: missing field 'age'\n")
            let invalid = try await client.post("/signup", body: "name=a&age=old", headers: Self.form)
            #expect(invalid.status == 400)
            #expect(invalid.bodyString == "invalid form body: invalid field 'age': expected an integer, got 'old'\n")
            let empty = try await client.post("/signup", body: "", headers: Self.form)
            #expect(empty.bodyString == "invalid form body: missing field 'name'\n")
            let escape = try await client.post("/signup", body: "name=%E&age=1", headers: Self.form)
            #expect(escape.bodyString == "invalid form body: malformed percent-escape in the value of 'name'\n")
            // The connection goes on.
            #expect(try await client.post("/signup", body: "name=c&age=2", headers: Self.form).status == 200)
        }
    }

    @Test("the query string decodes with the same rules; a bad parameter is a 400 naming it", arguments: bothModes)
    func query(mode: TestMode) async throws {
        try await Self.makeApp().test(mode) { client in
            #expect(try await client.get("/search?q=swift+nio&page=2&filter[lang]=en&filter[year]=2024").bodyString == #"swift nio p2 ["lang=en", "year=2024"]"#)
            #expect(try await client.get("/search?q=x&page=").bodyString == "x p1 []")
            let bad = try await client.get("/search?q=x&page=two")
            #expect(bad.status == 400)
            #expect(bad.bodyString == "invalid query: invalid field 'page': expected an integer, got 'two'\n")
            let missing = try await client.get("/search")
            #expect(missing.bodyString == "invalid query: missing field 'q'\n")
        }
    }
}
