import Pronto
import ProntoTracing
import Tracing

extension World: ResponseEncodable {}

/// TechEmpower's `{"message":"Hello, World!"}`, encoded per request.
struct Message: Encodable, Sendable, ResponseEncodable {
    let message: String
}

/// The World example: TechEmpower's six tests on Pronto.
public enum WorldRoutes {
    /// An app serving `/plaintext`, `/json`, `/db`, `/queries?queries=N`,
    /// `/updates?queries=N` and `/fortunes` from `database`, closed at shutdown.
    /// With a `tracer`, every request is a server span (W3C `traceparent` honoured with a
    /// tracer that speaks it) and every database call a client span inside it.
    public static func make(configuration: ServerConfiguration, database: any WorldDatabase, tracer: (any Tracer)? = nil) -> App {
        let app = App(configuration: configuration)
        if let tracer { app.use(TracingMiddleware(tracer: tracer)) }
        let database: any WorldDatabase = tracer.map { TracedWorldDatabase(database, tracer: $0) } ?? database

        app.get("/plaintext") { _ in
            Response(contentType: "text/plain", body: .string("Hello, World!"))
        }
        app.get("/json") { _ in
            Message(message: "Hello, World!")
        }
        app.get("/db") { request async throws in
            try await database.world(id: World.randomValue(), on: request.eventLoop)
        }
        app.get("/queries") { request async throws in
            let ids = (0..<QueryCount.of(request)).map { _ in World.randomValue() }
            return Response.json(try await database.worlds(ids: ids, on: request.eventLoop))
        }
        app.get("/updates") { request async throws in
            let ids = (0..<QueryCount.of(request)).map { _ in World.randomValue() }
            var worlds = try await database.worlds(ids: ids, on: request.eventLoop)
            let changed = assignNewRandomNumbers(&worlds)
            try await database.update(changed, on: request.eventLoop)
            return Response.json(worlds)
        }
        app.get("/fortunes") { request async throws in
            Response.fortunes(FortunesPage.sortedForPage(try await database.fortunes(on: request.eventLoop)))
        }

        app.onShutdown { _ in await database.close() }
        return app
    }

    /// Gives every row a new random number (never its old one, so each row really
    /// changes) and returns one row per distinct id to write back. A repeated id gets the
    /// same number each time, so the response shows exactly what the table then holds.
    static func assignNewRandomNumbers(_ worlds: inout [World]) -> [World] {
        var assigned: [Int32: Int32] = [:]
        assigned.reserveCapacity(worlds.count)
        var changed: [World] = []
        changed.reserveCapacity(worlds.count)
        for index in worlds.indices {
            let id = worlds[index].id
            if let number = assigned[id] {
                worlds[index].randomNumber = number
                continue
            }
            var number = World.randomValue()
            while number == worlds[index].randomNumber { number = World.randomValue() }
            assigned[id] = number
            worlds[index].randomNumber = number
            changed.append(worlds[index])
        }
        return changed
    }
}
