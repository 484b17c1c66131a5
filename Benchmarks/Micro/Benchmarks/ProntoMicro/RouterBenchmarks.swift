// Router micro benchmarks: a router of 100 routes (static, one-, two- and three-parameter
// and catch-all routes over 20 resources), matched on the raw bytes of a path with two
// parameters, as the engine will match `head.pathRange`.
//
// "lazy" leaves the parameters as byte ranges (what a handler that reads no parameter
// costs); "read 2 values" also makes both values `String`s (short values are small strings:
// no allocation either). Figures are per match.

import Benchmark
import Pronto

/// The handler type of a real app: a closure (copied out of the router on every match),
/// wrapped in a struct. A bare function type as `Handler` is stored at its most general
/// abstraction in the router's generic storage, and reading one into a concrete function
/// type (or passing it on as a generic value) builds a reabstraction thunk: an allocation
/// per match. A struct around it avoids that.
struct BenchmarkHandler: Sendable {
    let respond: @Sendable (Int) -> Int
}

/// 100 routes: for each of 20 resources, `/api/v1/R`, `/api/v1/R/{id}`,
/// `/api/v1/R/{id}/items/{item}`, `/api/v1/R/{id}/items/{item}/tags/{tag}` and `/static/R/*`.
func makeBenchmarkRouter() throws -> Router<BenchmarkHandler> {
    var router = Router<BenchmarkHandler>()
    let resources = (0..<20).map { "resource\($0)" }
    for (i, resource) in resources.enumerated() {
        try router.add(.get, "/api/v1/\(resource)", BenchmarkHandler { $0 &+ i })
        try router.add(.get, "/api/v1/\(resource)/{id}", BenchmarkHandler { $0 &+ i })
        try router.add(.get, "/api/v1/\(resource)/{id}/items/{item}", BenchmarkHandler { $0 &+ i })
        try router.add(.get, "/api/v1/\(resource)/{id}/items/{item}/tags/{tag}", BenchmarkHandler { $0 &+ i })
        try router.add(.get, "/static/\(resource)/*", BenchmarkHandler { $0 &+ i })
    }
    precondition(router.routes.count == 100)
    return router
}

func registerRouterBenchmarks() {
    let router: Router<BenchmarkHandler>
    do {
        router = try makeBenchmarkRouter()
    } catch {
        fatalError("\(error)")
    }
    // A resource in the middle of the list, two parameters.
    let path = Array("/api/v1/resource13/12345/items/678".utf8)

    Benchmark("Router match 100 routes 2 params lazy") { benchmark in
        path.withUnsafeBytes { bytes in
            guard case .found(let handler, let parameters) = router.match(.get, path: bytes),
                handler.respond(0) == 13, parameters.count == 2
            else {
                return benchmark.error("the path did not match as expected")
            }
            measure(benchmark, bytesPerOperation: bytes.count) {
                for _ in benchmark.scaledIterations {
                    switch router.match(.get, path: bytes) {
                    case .found(let handler, let parameters):
                        blackHole(handler)
                        blackHole(parameters)
                    default:
                        fatalError("no match")
                    }
                }
            }
        }
    }

    Benchmark("Router match 100 routes 2 params read 2 values") { benchmark in
        path.withUnsafeBytes { bytes in
            guard case .found(_, let parameters) = router.match(.get, path: bytes),
                parameters.value("id", in: bytes) == "12345", (try? parameters.get("item", as: Int.self, in: bytes)) == 678
            else {
                return benchmark.error("the parameters were not as expected")
            }
            measure(benchmark, bytesPerOperation: bytes.count) {
                for _ in benchmark.scaledIterations {
                    switch router.match(.get, path: bytes) {
                    case .found(let handler, let parameters):
                        blackHole(handler)
                        blackHole(parameters.value("id", in: bytes))
                        blackHole(parameters.value("item", in: bytes))
                    default:
                        fatalError("no match")
                    }
                }
            }
        }
    }
}
