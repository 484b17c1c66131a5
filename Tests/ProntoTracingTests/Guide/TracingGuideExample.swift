// The Tracing guide's example, verbatim between the markers: TracingGuideTests checks that
// Sources/ProntoTracing/ProntoTracing.docc/Tracing.md shows exactly this code, and runs it.
import Pronto
import ProntoTracing
import Tracing

/// Stands in for a database client: it looks a user up inside a span of its own.
struct UserStore: Sendable {
    func name(of id: Int) async throws -> String {
        try await withSpan("SELECT users", ofKind: .client) { span in
            span.attributes["db.system.name"] = "postgresql"
            return id == 1 ? "Ada" : "Grace"
        }
    }
}

// BEGIN GUIDE EXAMPLE
func makeTracedApp(users: UserStore) -> App {
    let app = App()
    // Outermost, so every other middleware runs inside the request's span.
    app.use(TracingMiddleware())
    app.get("/users/{id}") { request async throws in
        // The store's span starts from ServiceContext.current: a child of this request's.
        try await users.name(of: request.parameter("id", as: Int.self))
    }
    return app
}
// END GUIDE EXAMPLE
