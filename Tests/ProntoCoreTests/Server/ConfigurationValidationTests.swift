import Foundation
import NIOCore
import ProntoCore
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Configuration validation")
struct ConfigurationValidationTests {
    /// One invalid value each, and what its error must say.
    static let invalid: [(change: @Sendable (inout ServerConfiguration) -> Void, message: String)] = [
        ({ $0.eventLoopThreads = 0 },
         "ServerConfiguration.eventLoopThreads = 0 is invalid: expected at least 1 thread (the default, System.coreCount, runs one per core)"),
        ({ $0.maxPipelinedRequests = 0 },
         "ServerConfiguration.maxPipelinedRequests = 0 is invalid: expected at least 1 (1 answers a connection's requests one at a time; the default is 128)"),
        ({ $0.idleTimeout = .zero }, "ServerConfiguration.idleTimeout = 0 s is invalid: expected a positive duration, such as .seconds(60)"),
        ({ $0.requestHeadTimeout = .seconds(-1) }, "ServerConfiguration.requestHeadTimeout = -1 s is invalid: expected a positive duration"),
        ({ $0.shutdownGracePeriod = .milliseconds(-5) }, "ServerConfiguration.shutdownGracePeriod = -5 ms is invalid: expected 0 or a positive duration"),
        ({ $0.shutdownLinger = .seconds(-1) }, "ServerConfiguration.shutdownLinger = -1 s is invalid: expected 0 or a positive duration"),
        ({ $0.maxConnections = 0 }, "ServerConfiguration.maxConnections = 0 is invalid: expected at least 1 connection"),
        ({ $0.backlog = 0 }, "ServerConfiguration.backlog = 0 is invalid: expected at least 1 pending connection"),
        ({ $0.workers = -1 }, "ServerConfiguration.workers = -1 is invalid: expected 0 (serve in this process, the default) or 1...1024 worker processes"),
        ({ $0.controlSocketPath = "" }, #"ServerConfiguration.controlSocketPath = "" is invalid: expected the path of the socket file"#),
        ({ $0.target = .tcp(host: "127.0.0.1", port: 65536) },
         #"ServerConfiguration.target = .tcp(host: "127.0.0.1", port: 65536) is invalid: expected a TCP port in 0...65535 (0 picks a free port)"#),
        ({ $0.target = .tcp(host: "127.0.0.1", port: -1) }, "port: -1) is invalid: expected a TCP port in 0...65535"),
        ({ $0.target = .tcp(host: "", port: 80) }, #"is invalid: expected a host to listen on, such as "127.0.0.1""#),
        ({ $0.target = .unixSocket(path: "") }, #"ServerConfiguration.target = .unixSocket(path: "") is invalid: expected the path of the socket file"#),
        ({ $0.target = .unixSocket(path: "/tmp/" + String(repeating: "s", count: 99)) },
         "is invalid: expected a path of at most 103 bytes (this one has 104): UNIX socket addresses are that short; use a shorter directory"),
        ({ $0.limits.maxRequestLineLength = 0 }, "ServerConfiguration.limits.maxRequestLineLength = 0 is invalid: expected at least 1 byte (the default is 8192)"),
        ({ $0.limits.maxHeaderSectionSize = -1 }, "ServerConfiguration.limits.maxHeaderSectionSize = -1 is invalid: expected at least 1 byte"),
        ({ $0.limits.maxHeaderCount = 0 }, "ServerConfiguration.limits.maxHeaderCount = 0 is invalid: expected at least 1 field"),
        ({ $0.limits.maxBodySize = -1 }, "ServerConfiguration.limits.maxBodySize = -1 is invalid: expected 0 or more bytes"),
        ({ $0.limits.maxHeaderSectionSize = Int.max }, "ServerConfiguration.limits.maxRequestLineLength + maxHeaderSectionSize = 9223372036854775807 is invalid: expected at most 2147483646 bytes together"),
    ]

    @Test("each invalid value is an error naming the property, the value and a valid one", arguments: 0..<invalid.count)
    func invalidValue(index: Int) {
        var configuration = quietConfiguration()
        Self.invalid[index].change(&configuration)
        #expect {
            try configuration.validate()
        } throws: { error in
            guard error is ConfigurationError else { return false }
            return "\(error)".contains(Self.invalid[index].message)
        }
    }

    @Test("the defaults and the edges of each range are valid")
    func validValues() throws {
        try ServerConfiguration().validate()
        var configuration = quietConfiguration()
        configuration.eventLoopThreads = 1
        configuration.maxPipelinedRequests = 1
        configuration.shutdownGracePeriod = .zero
        configuration.backlog = 1
        configuration.limits = HTTPLimits(maxRequestLineLength: 1, maxHeaderSectionSize: 1, maxHeaderCount: 1, maxBodySize: 0)
        configuration.target = .tcp(host: "::1", port: 65535)
        try configuration.validate()
        configuration.target = .unixSocket(path: "/tmp/" + String(repeating: "s", count: 98))
        try configuration.validate()
    }

    @Test("Server.start() throws an invalid configuration's error before making event loops or binding")
    func serverStart() async throws {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 0
        // Making the server does not trap: its event loops are made when it starts.
        let server = Server(configuration: configuration, handler: testHandler())
        await #expect(throws: ConfigurationError.self) { try await server.start() }
        #expect(server.localAddress == nil)
        await server.shutdown()
    }

    @Test("a test server refuses an invalid configuration in either mode", arguments: bothModes)
    func testServer(mode: TestMode) async throws {
        var configuration = quietConfiguration()
        configuration.idleTimeout = .zero
        await #expect(throws: ConfigurationError.self) {
            try await withTestServer(mode, configuration: configuration, handler: testHandler()) { _ in }
        }
    }
}
