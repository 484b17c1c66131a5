// hummingbird: a Hummingbird 2 peer for Pronto's macro benchmarks.
//
//   GET /plaintext -> "Hello, World!"               (String response, text/plain)
//   GET /json      -> {"message":"Hello, World!"}   (Codable struct, Hummingbird's default JSON encoding)
//   GET /hello/{name} -> {"message":"Hello NAME"}   (route parameter, Codable struct)
//
// Usage: hummingbird [--host 127.0.0.1] [--port 8080] [--threads 1]   (or: hummingbird PORT)

import Hummingbird
import Logging
import NIOPosix

struct Options {
    var host = "127.0.0.1"
    var port = 8080
    var threads = 1

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) -> String {
            index += 1
            guard index < arguments.count else {
                fatalError("missing value for \(name)")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--host": options.host = value(argument)
            case "--port": options.port = Int(value(argument)) ?? options.port
            case "--threads": options.threads = max(1, Int(value(argument)) ?? 1)
            default:
                if let port = Int(argument) {
                    options.port = port
                } else {
                    fatalError("unknown argument \(argument)")
                }
            }
            index += 1
        }
        return options
    }
}

struct Message: ResponseEncodable {
    let message: String
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)

let router = Router()
router.get("plaintext") { _, _ -> String in
    "Hello, World!"
}
router.get("json") { _, _ -> Message in
    Message(message: "Hello, World!")
}
router.get("hello/{name}") { _, context -> Message in
    Message(message: "Hello \(context.parameters.get("name") ?? "")")
}

var logger = Logger(label: "hummingbird-peer")
logger.logLevel = .warning

let app = Application(
    router: router,
    configuration: .init(
        address: .hostname(options.host, port: options.port),
        serverName: "hummingbird"
    ),
    eventLoopGroupProvider: .shared(eventLoopGroup),
    logger: logger
)
print("hummingbird listening on \(options.host):\(options.port) with \(options.threads) event loop thread(s)")
try await app.runService()
