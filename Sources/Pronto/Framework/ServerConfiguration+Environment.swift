#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

extension ServerConfiguration {
    /// The configuration from `PRONTO_*` environment variables (see the Configuration
    /// guide), with the defaults for those not set.
    ///
    /// - Throws: ``ConfigurationError`` naming the variable and the value when one is malformed.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(String(text[...].trimmingASCIISpaces())), range.contains(value) else {
                throw ConfigurationError(variable: name, value: text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func seconds(_ name: String) throws -> TimeAmount? {
            guard let text = environment[name] else { return nil }
            guard let value = Double(String(text[...].trimmingASCIISpaces())), value > 0, value < 1e9 else {
                throw ConfigurationError(variable: name, value: text, expected: "a positive number of seconds")
            }
            return .nanoseconds(Int64(value * 1e9))
        }
        let host = environment["PRONTO_HOST"] ?? "127.0.0.1"
        guard !host.isEmpty else {
            throw ConfigurationError(variable: "PRONTO_HOST", value: host, expected: "an address to listen on, such as 127.0.0.1 or 0.0.0.0")
        }
        let port = try integer("PRONTO_PORT", 0...65535) ?? 8080
        if let path = environment["PRONTO_UNIX_SOCKET"], !path.isEmpty {
            if let problem = ServerConfiguration.unixSocketPathProblem(path) {
                throw ConfigurationError(variable: "PRONTO_UNIX_SOCKET", value: path, expected: problem)
            }
            configuration.target = .unixSocket(path: path)
        } else {
            configuration.target = .tcp(host: host, port: port)
        }
        if let workers = try integer("PRONTO_WORKERS", 0...1024) {
            configuration.workers = workers
            // One loop per worker unless told otherwise: the workers are the parallelism.
            if workers > 0 { configuration.eventLoopThreads = 1 }
        }
        if let threads = try integer("PRONTO_THREADS", 1...1024) { configuration.eventLoopThreads = threads }
        if let path = environment["PRONTO_CONTROL_SOCKET"], !path.isEmpty {
            if let problem = ServerConfiguration.unixSocketPathProblem(path) {
                throw ConfigurationError(variable: "PRONTO_CONTROL_SOCKET", value: path, expected: problem)
            }
            configuration.controlSocketPath = path
        }
        if let value = try integer("PRONTO_REUSE_PORT", 0...1) { configuration.reusePort = value == 1 }
        var limits = configuration.limits
        if let value = try integer("PRONTO_MAX_REQUEST_LINE", 1...(1 << 20)) { limits.maxRequestLineLength = value }
        if let value = try integer("PRONTO_MAX_HEADER_SIZE", 1...(1 << 24)) { limits.maxHeaderSectionSize = value }
        if let value = try integer("PRONTO_MAX_HEADERS", 1...100_000) { limits.maxHeaderCount = value }
        if let value = try integer("PRONTO_MAX_BODY", 0...(1 << 40)) { limits.maxBodySize = value }
        configuration.limits = limits
        if let value = try seconds("PRONTO_IDLE_TIMEOUT") { configuration.idleTimeout = value }
        if let value = try seconds("PRONTO_REQUEST_TIMEOUT") { configuration.requestHeadTimeout = value }
        if let value = try seconds("PRONTO_SHUTDOWN_GRACE") { configuration.shutdownGracePeriod = value }
        if let value = try seconds("PRONTO_SHUTDOWN_LINGER") { configuration.shutdownLinger = value }
        if let value = try integer("PRONTO_MAX_CONNECTIONS", 1...(1 << 30)) { configuration.maxConnections = value }
        if let value = try seconds("PRONTO_WRITE_TIMEOUT") { configuration.writeTimeout = value }
        if let value = try integer("PRONTO_MIN_BODY_RATE", 0...(1 << 40)) {
            configuration.minimumRequestBodyRate = value == 0
                ? nil : MinimumDataRate(bytesPerSecond: value, gracePeriod: configuration.minimumRequestBodyRate?.gracePeriod ?? .seconds(10))
        }
        return configuration
    }
}
