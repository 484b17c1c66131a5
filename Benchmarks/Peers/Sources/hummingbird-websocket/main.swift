// hummingbird-websocket: a Hummingbird 2 + hummingbird-websocket peer for Pronto's WebSocket
// benchmark (`pronto-bench echo --websocket /ws/echo`).
//
//   GET /ws/echo (WebSocket) -> every message sent back as it came (text or binary), up to 1 MiB
//
// Usage: hummingbird-websocket [--host 127.0.0.1] [--port 8080] [--threads 1]

import Hummingbird
import HummingbirdWebSocket
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

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)

var logger = Logger(label: "hummingbird-websocket-peer")
logger.logLevel = .warning

let app = Application(
    router: Router(),
    server: .http1WebSocketUpgrade { request, _, _ in
        guard request.path == "/ws/echo" else { return .dontUpgrade }
        return .upgrade([:]) { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                switch message {
                case .text(let text): try await outbound.write(.text(text))
                case .binary(let data): try await outbound.write(.binary(data))
                }
            }
        }
    },
    configuration: .init(address: .hostname(options.host, port: options.port), serverName: "hummingbird-websocket"),
    eventLoopGroupProvider: .shared(eventLoopGroup),
    logger: logger
)
print("hummingbird-websocket listening on \(options.host):\(options.port) with \(options.threads) event loop thread(s)")
try await app.runService()
