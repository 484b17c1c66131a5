import ArgumentParser
import Dispatch
import Foundation
import ProntoBench

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The servers pronto-bench runs for its own clients: `echo-server` and `http-server`.

struct EchoServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo-server",
        abstract: "TCP echo server on SwiftNIO, to run `pronto-bench echo` against."
    )

    @Option(name: .long, help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(name: .shortAndLong, help: "Port (0 picks a free one; the chosen port is printed).")
    var port = 25000

    @Option(name: .shortAndLong, help: "Event loop threads.")
    var threads = 1

    func run() async throws {
        let server = try await EchoServer.start(host: host, port: port, threads: threads)
        writeOut("echo server listening on \(host):\(server.port)\n")
        try await server.wait()
    }
}

struct HTTPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-server",
        abstract: "Minimal HTTP/1.1 server (/plaintext, /json, /hello/NAME) for smoke-testing the suite."
    )

    @Option(name: .long, help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(name: .shortAndLong, help: "Port (0 picks a free one; the chosen port is printed).")
    var port = 8080

    @Option(name: .shortAndLong, help: "Event loop threads.")
    var threads = 1

    func run() async throws {
        let server = try await BenchHTTPServer.start(host: host, port: port, threads: threads)
        writeOut("http server listening on \(host):\(server.port)\n")
        try await server.wait()
    }
}
