// The README's example, verbatim between the markers: ReadmeTests (in this folder) checks that the README
// shows exactly this code, and runs it. The engine alone: it imports ProntoCore only.
// BEGIN README EXAMPLE
import ProntoCore

func makeServer(port: Int) -> Server {
    var configuration = ServerConfiguration(target: .tcp(host: "127.0.0.1", port: port))
    configuration.eventLoopThreads = 1
    return Server(configuration: configuration) { request in
        if request.pathEquals("/hello") {
            // Synchronous: runs inline on the connection's event loop.
            return .response(.text("Hello, \(request.query ?? "world")!"))
        }
        if request.pathEquals("/later") {
            // Asynchronous: runs in a task on the same event loop; responses stay in order.
            return .async { request in
                try await Task.sleep(for: .milliseconds(5))
                return .text("later, \(request.header("user-agent") ?? "anonymous")")
            }
        }
        return .response(Response(status: .notFound))
    }
}
// END README EXAMPLE
