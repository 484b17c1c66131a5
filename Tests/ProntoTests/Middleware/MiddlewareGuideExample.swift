// The Middleware guide's inline example, verbatim between the markers: MiddlewareGuideTests
// checks that Sources/Pronto/Pronto.docc/UsingMiddleware.md shows exactly this code, and runs it.
import Pronto

// BEGIN GUIDE EXAMPLE
/// Answers 401 unless the request carries a known API key; names the key's owner in the response.
struct APIKeyMiddleware: InlineMiddleware {
    let keys: [String: String]  // key -> owner

    func willRespond(to request: inout Request) -> MiddlewareStep<String> {
        guard let key = request.header("x-api-key"), let owner = keys[key] else {
            return .respond(.text("missing or unknown API key\n", status: .unauthorized))
        }
        return .proceed(owner)  // handed to didRespond as its context
    }

    func didRespond(to request: Request, context owner: String, response: inout Response) {
        response.headers.add(name: "X-API-Owner", value: owner)
    }
}

func makeGuardedApp() -> App {
    let app = App()
    app.use(APIKeyMiddleware(keys: ["k1": "alice"]))
    app.get("/report") { _ in "the report" }  // still synchronous: no task per request
    return app
}
// END GUIDE EXAMPLE
