import Foundation
import GreetingsServer
import Logging
import Pronto

// swift run -c release greetings [port]     (default 8080; 0 picks a free one, logged)
var logger = Logger(label: "greetings")
logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8080
var configuration = ServerConfiguration(target: .tcp(host: "127.0.0.1", port: port), logger: logger)
if let threads = ProcessInfo.processInfo.environment["THREADS"].flatMap(Int.init) { configuration.eventLoopThreads = threads }
try await GreetingsApp.make(configuration: configuration).run()
