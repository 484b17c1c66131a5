// openapi-hummingbird: the OpenAPI example's generated Greetings handlers (Examples/OpenAPI,
// GreetingsAPI) served by Hummingbird 2 through swift-openapi-hummingbird, for the
// comparison with Pronto's transport (Benchmarks/README.md, "OpenAPI").
//
// Usage: openapi-hummingbird [PORT] [THREADS]      (defaults 8080, 1)

import GreetingsAPI
import Hummingbird
import Logging
import NIOPosix
import OpenAPIHummingbird

let arguments = Array(CommandLine.arguments.dropFirst())
let port = arguments.first.flatMap(Int.init) ?? 8080
let threads = arguments.dropFirst().first.flatMap(Int.init) ?? 1

let router = Router()
try GreetingService().registerHandlers(on: router)

var logger = Logger(label: "openapi-hummingbird")
logger.logLevel = .warning
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "openapi-hummingbird"),
    eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup(numberOfThreads: threads)),
    logger: logger
)
print("openapi-hummingbird listening on 127.0.0.1:\(port) with \(threads) event loop thread(s)")
try await app.runService()
