import OpenAPIRuntime

/// The Greetings API's handlers (the protocol, the types and the registration are generated
/// from openapi.yaml into Generated/). Independent of any server: Pronto serves it in this
/// example, Hummingbird in Benchmarks/Peers, for the comparison in Benchmarks/README.md.
public struct GreetingService: APIProtocol {
    /// The notes `GET /notes/{title}.txt` serves.
    let notes: [String: String]

    public init(notes: [String: String] = ["welcome": "Served by a generated OpenAPI handler.\n"]) {
        self.notes = notes
    }

    public func getGreeting(_ input: Operations.GetGreeting.Input) async throws -> Operations.GetGreeting.Output {
        let name = input.path.name
        let message = input.query.style == .excited ? "Hello, \(name)!" : "Hello, \(name)."
        return .ok(.init(body: .json(.init(message: message))))
    }

    /// The body goes back as it comes: chunk by chunk, never collected.
    public func echo(_ input: Operations.Echo.Input) async throws -> Operations.Echo.Output {
        guard case .binary(let body) = input.body else { throw EchoError() }
        return .ok(.init(body: .binary(HTTPBody(body, length: body.length, iterationBehavior: .single))))
    }

    public func getNote(_ input: Operations.GetNote.Input) async throws -> Operations.GetNote.Output {
        guard let note = notes[input.path.title] else { return .notFound(.init()) }
        return .ok(.init(body: .plainText(HTTPBody(note))))
    }
}

/// A body in a form the spec does not declare (the generated code accepts only binary).
struct EchoError: Error {}
