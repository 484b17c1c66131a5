import NIOCore
import Pronto
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test("every variable is read")
    func readsVariables() throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "PRONTO_HOST": "0.0.0.0", "PRONTO_PORT": "9090", "PRONTO_THREADS": "3",
            "PRONTO_MAX_REQUEST_LINE": "100", "PRONTO_MAX_HEADER_SIZE": "200", "PRONTO_MAX_HEADERS": "7",
            "PRONTO_MAX_BODY": "300", "PRONTO_IDLE_TIMEOUT": "1.5", "PRONTO_REQUEST_TIMEOUT": "2",
            "PRONTO_SHUTDOWN_GRACE": "3", "PRONTO_SHUTDOWN_LINGER": "0.25", "PRONTO_REUSE_PORT": "1",
        ])
        #expect(configuration.target == .tcp(host: "0.0.0.0", port: 9090))
        #expect(configuration.eventLoopThreads == 3)
        #expect(configuration.reusePort)
        #expect(configuration.limits == HTTPLimits(maxRequestLineLength: 100, maxHeaderSectionSize: 200, maxHeaderCount: 7, maxBodySize: 300))
        #expect(configuration.idleTimeout == .milliseconds(1500))
        #expect(configuration.requestHeadTimeout == .seconds(2))
        #expect(configuration.shutdownGracePeriod == .seconds(3))
        #expect(configuration.shutdownLinger == .milliseconds(250))
    }

    @Test("workers: one event loop each unless PRONTO_THREADS says otherwise; the control socket's path is checked")
    func workers() throws {
        let workers = try ServerConfiguration.fromEnvironment(["PRONTO_WORKERS": "4", "PRONTO_CONTROL_SOCKET": "/tmp/s.sock"])
        #expect(workers.workers == 4 && workers.eventLoopThreads == 1 && workers.controlSocketPath == "/tmp/s.sock")
        let threaded = try ServerConfiguration.fromEnvironment(["PRONTO_WORKERS": "2", "PRONTO_THREADS": "2"])
        #expect(threaded.workers == 2 && threaded.eventLoopThreads == 2)
        #expect(try ServerConfiguration.fromEnvironment([:]).workers == 0)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["PRONTO_WORKERS": "-1"]) }
        let long = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment(["PRONTO_CONTROL_SOCKET": "/tmp/" + String(repeating: "x", count: 120)])
        }
        #expect(long?.variable == "PRONTO_CONTROL_SOCKET")
    }

    @Test("defaults without variables; a UNIX socket wins over host and port")
    func defaults() throws {
        let configuration = try ServerConfiguration.fromEnvironment([:])
        #expect(configuration.target == .tcp(host: "127.0.0.1", port: 8080))
        #expect(configuration.limits == .default)
        let unix = try ServerConfiguration.fromEnvironment(["PRONTO_UNIX_SOCKET": "/tmp/p.sock", "PRONTO_PORT": "1"])
        #expect(unix.target == .unixSocket(path: "/tmp/p.sock"))
    }

    @Test("a malformed value throws naming the variable and the value")
    func malformed() {
        #expect {
            _ = try ServerConfiguration.fromEnvironment(["PRONTO_PORT": "eighty"])
        } throws: { error in
            "\(error)" == #"PRONTO_PORT="eighty" is invalid: expected an integer in 0...65535"#
        }
        #expect(throws: ConfigurationError.self) { _ = try ServerConfiguration.fromEnvironment(["PRONTO_IDLE_TIMEOUT": "-1"]) }
        #expect(throws: ConfigurationError.self) { _ = try ServerConfiguration.fromEnvironment(["PRONTO_THREADS": "0"]) }
    }

    @Test("environment: an empty host or a UNIX socket path too long is an error naming the variable")
    func environment() {
        #expect {
            _ = try ServerConfiguration.fromEnvironment(["PRONTO_HOST": ""])
        } throws: { error in
            "\(error)".hasPrefix(#"PRONTO_HOST="" is invalid: expected an address to listen on"#)
        }
        let long = "/tmp/" + String(repeating: "s", count: 120)
        #expect {
            _ = try ServerConfiguration.fromEnvironment(["PRONTO_UNIX_SOCKET": long])
        } throws: { error in
            "\(error)".hasPrefix("PRONTO_UNIX_SOCKET=\"\(long)\" is invalid: expected a path of at most 103 bytes (this one has 125)")
        }
    }
}
