@testable import Pronto
import Testing

/// A request keeps its route's ``ParameterLayout`` and finds the parameters again from its
/// path: the ranges must be the router's, for every shape of route and path.
@Suite("Router: parameter layout")
struct ParameterLayoutTests {
    @Test("the layout finds the ranges the router found", arguments: 0..<20)
    func agreesWithRouter(seed: UInt64) throws {
        var random = RouterRandom(seed: seed &+ 0x1A70)
        let pieces = ["a", "b", "%61", "x%20y", "a%2Fb", "%zz", "", "é"]
        for _ in 0..<50 {
            var pattern = ""
            var path = ""
            for i in 0..<Int(random.next() % 5) {
                switch random.next() % 4 {
                case 0:
                    pattern += "/s\(i)"
                    path += "/s\(i)"
                case 1:
                    pattern += "/{p\(i)}"
                    path += "/" + pieces.filter { !$0.isEmpty }.randomElement(using: &random)!
                default:
                    let literal = String(pieces.randomElement(using: &random)!.filter { $0 != "%" })
                    pattern += "/" + literal
                    path += "/" + literal
                }
            }
            if random.next() % 2 == 0 {
                pattern += "/*"
                path += "/" + (0..<Int(random.next() % 3)).map { _ in pieces.randomElement(using: &random)! }.joined(separator: "/")
            }
            if pattern.isEmpty { pattern = "/" }
            if path.isEmpty { path = "/" }
            var router = Router<String>()
            try router.add(.get, pattern, pattern)
            let shown = "\(pattern) \(path)"
            try path.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                let matched = try #require(router.match(.get, path: bytes).parameters, "\(shown)")
                let layout = ParameterLayout(try RoutePattern(pattern))
                let found = layout?.parameters(in: bytes) ?? Parameters()
                #expect(found.names == matched.names)
                for name in matched.names {
                    #expect(found.range(name) == matched.range(name), "\(name) in \(shown)")
                    // The single-parameter walk behind Request.parameter(_:) agrees too.
                    let index = try #require(layout?.index(of: name), "\(name) in \(shown)")
                    #expect(layout?.range(at: index, in: bytes) == matched.range(name), "\(name) in \(shown)")
                }
                #expect(layout?.index(of: "absent") == nil)
            }
        }
    }

    @Test("any path gives ranges inside it, even one the route did not match")
    func foreignPath() throws {
        let layout = try #require(ParameterLayout(try RoutePattern("/a/{x}/b/{y}/*")))
        for shown in ["", "/", "/a", "/a/1", "//", "/a/1/b/2", "/a/1/b/2/c/d"] {
            var path = shown
            path.withUTF8 { utf8 in
                let parameters = layout.parameters(in: UnsafeRawBufferPointer(utf8))
                for name in parameters.names {
                    #expect(parameters.range(name)!.upperBound <= utf8.count, "\(name) in \(shown)")
                    #expect(layout.range(at: layout.index(of: name)!, in: UnsafeRawBufferPointer(utf8)) == parameters.range(name), "\(name) in \(shown)")
                }
            }
        }
        #expect(ParameterLayout(try RoutePattern("/a/b")) == nil)
    }
}
