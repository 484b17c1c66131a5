import Pronto
import Testing

@Suite("Router: typed parameters")
struct RouterParameterTests {
    @Test("typed access converts, or throws a 400 naming the parameter and the value")
    func typed() throws {
        let router = try makeRouter([("GET", "/items/{id}/{ratio}/{flag}")])
        let parameters = try #require(router.match(.get, "/items/42/0.5/true").parameters)
        #expect(try parameters.get("id", as: Int.self) == 42)
        #expect(try parameters.get("ratio", as: Double.self) == 0.5)
        #expect(try parameters.get("flag", as: Bool.self) == true)
        #expect(try parameters.get("id", as: String.self) == "42")
        let id: UInt8 = try parameters.get("id")
        #expect(id == 42)

        let bad = try #require(router.match(.get, "/items/abc/x/maybe").parameters)
        do {
            _ = try bad.get("id", as: Int.self)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .invalidValue)
            #expect(error.name == "id")
            #expect(error.value == "abc")
            #expect(error.expectedType == "Int")
            #expect(error.status == .badRequest)
            #expect(error.description == "path parameter \"id\" is \"abc\", which is not a valid Int")
        }
        #expect(throws: ParameterError.self) { try bad.get("flag", as: Bool.self) }
    }

    @Test("a name the route does not have is a 500")
    func missing() throws {
        let router = try makeRouter([("GET", "/items/{id}")])
        let parameters = try #require(router.match(.get, "/items/1").parameters)
        #expect(parameters["nope"] == nil)
        do {
            _ = try parameters.get("nope", as: Int.self)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .missing)
            #expect(error.status == .internalServerError)
            #expect(error.description == "the route has no path parameter \"nope\"")
        }
    }

    @Test("typed access with the path's bytes, without materialising")
    func lazyTyped() throws {
        let router = try makeRouter([("GET", "/items/{id}/*")])
        var path = "/items/%34%32/rest/of%20it"
        try path.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let parameters = try #require(router.match(.get, path: bytes).parameters)
            #expect(try parameters.get("id", as: Int.self, in: bytes) == 42)
            #expect(parameters.catchAll(in: bytes) == "rest/of it")
            #expect(throws: ParameterError.self) { try parameters.get("*", as: Int.self, in: bytes) }
            #expect(throws: ParameterError.self) { try parameters.get("nope", as: Int.self, in: bytes) }
        }
    }

    @Test("hand-made parameters")
    func handMade() throws {
        let parameters = Parameters(["id": "7", "*": "a/b"])
        #expect(parameters.isMaterialized)
        #expect(try parameters.get("id", as: Int.self) == 7)
        #expect(parameters.catchAll == "a/b")
        #expect(Parameters().isEmpty)
        #expect(router(Parameters()).isEmpty)
    }

    private func router(_ p: Parameters) -> [String] { p.names }
}
