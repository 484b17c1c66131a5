import GreetingsAPI
import Pronto
import ProntoOpenAPI

/// The Greetings API on Pronto: the generated handlers registered on an ``App``, which is
/// an OpenAPI `ServerTransport` (ProntoOpenAPI).
public enum GreetingsApp {
    /// An app serving every operation of openapi.yaml, plus Pronto's own `/health`.
    public static func make(configuration: ServerConfiguration = ServerConfiguration(), service: GreetingService = GreetingService()) throws -> App {
        let app = App(configuration: configuration)
        try service.registerHandlers(on: app)
        // A hand-written route beside the generated ones: same router, same app.
        app.get("/health") { _ in "ok" }
        return app
    }
}
