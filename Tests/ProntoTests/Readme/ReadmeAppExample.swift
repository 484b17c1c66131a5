// The README's framework example, verbatim between the markers: ReadmeTests checks that the
// README shows exactly this code, and runs it in both test modes.
// BEGIN README APP EXAMPLE
import Pronto

struct Greeting: Codable, Sendable, ResponseEncodable {
    var message: String
}

func makeApp() -> App {
    let app = App()
    app.get("/hello/{name}") { request in
        Greeting(message: "Hello \(request.parameter("name") ?? "world")")
    }
    app.get("/users/{id}") { request in
        let id = try request.parameter("id", as: Int.self)  // "abc" is a 400 naming "id"
        return "user \(id)"
    }
    app.get("/slow") { request async throws -> String in
        // Runs on the connection's event loop and resumes there after awaiting.
        try await Task.sleep(for: .milliseconds(1))
        return "done"
    }
    let api = app.group("/api", middleware: [RequestIDMiddleware()])
    api.post("/echo") { request in request.body ?? ByteBuffer() }
    app.post("/upload", body: .stream(maxSize: nil)) { request in
        var bytes = 0
        for try await piece in request.bodyStream! { bytes += piece.readableBytes }  // as it arrives
        return "\(bytes) bytes"
    }
    app.get("/ticks") { _ in
        Response.eventStream { events in  // server-sent events
            for tick in 1...3 { try await events.send(ServerSentEvent(data: "tick \(tick)")) }
        }
    }
    return app
}
// END README APP EXAMPLE
