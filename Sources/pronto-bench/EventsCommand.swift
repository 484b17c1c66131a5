import ArgumentParser
import ProntoBench

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Server-sent events: many clients hold a stream open; delivery delay of each event (p50, p99, max)."
    )

    @Option(name: .long, help: "Server host.") var host = "127.0.0.1"
    @Option(name: .shortAndLong, help: "Server port.") var port: Int
    @Option(help: "Path of an event stream whose data is the send time in Unix milliseconds.") var path = "/sse/clock"
    @Option(name: .shortAndLong, help: "Connections held open.") var connections = 1000
    @Option(name: .shortAndLong, help: "Measured time once all are open: 10, 10s, 500ms.") var duration: Seconds?
    @Option(name: .shortAndLong, help: "Event loop threads.") var threads = 1
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        var configuration = EventStreamLoadConfiguration(port: port)
        configuration.host = host
        configuration.path = path
        configuration.connections = connections
        configuration.duration = duration?.value ?? 10
        configuration.threads = threads
        do {
            try configuration.validate()
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
        let report = try await EventStreamLoad.run(configuration)
        print(json ? try report.json() : report.text())
    }
}
