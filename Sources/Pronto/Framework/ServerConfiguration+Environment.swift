#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

extension ServerConfiguration {
    /// The configuration from `PRONTO_*` environment variables (see ``ServerSetting`` and the
    /// Configuration guide), with the defaults for those not set.
    ///
    /// - Throws: `ConfigurationError` naming the variable and the value when one is malformed.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        try fromSettings(named: \.environmentVariable) { environment[$0.environmentVariable] }
    }

    /// The configuration from `value`, each setting's text or nil when it is not set; a
    /// malformed one is reported under `name(setting)` (a variable, a configuration key).
    package static func fromSettings(
        named name: (ServerSetting) -> String, _ value: (ServerSetting) -> String?
    ) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        func invalid(_ setting: ServerSetting, _ text: String, _ expected: String) -> ConfigurationError {
            ConfigurationError(variable: name(setting), value: text, expected: expected)
        }
        func integer(_ setting: ServerSetting, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(setting) else { return nil }
            guard let value = Int(String(text[...].trimmingASCIISpaces())), range.contains(value) else {
                throw invalid(setting, text, "an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func seconds(_ setting: ServerSetting) throws -> TimeAmount? {
            guard let text = value(setting) else { return nil }
            guard let value = Double(String(text[...].trimmingASCIISpaces())), value > 0, value < 1e9 else {
                throw invalid(setting, text, "a positive number of seconds")
            }
            return .nanoseconds(Int64(value * 1e9))
        }
        func flag(_ setting: ServerSetting) throws -> Bool? {
            guard let text = value(setting) else { return nil }
            switch text[...].trimmingASCIISpaces().lowercased() {
            case "1", "true": return true
            case "0", "false": return false
            default: throw invalid(setting, text, "1 or 0 (true or false)")
            }
        }
        let host = value(.host) ?? "127.0.0.1"
        guard !host.isEmpty else {
            throw invalid(.host, host, "an address to listen on, such as 127.0.0.1 or 0.0.0.0")
        }
        let port = try integer(.port, 0...65535) ?? 8080
        if let path = value(.unixSocket), !path.isEmpty {
            if let problem = ServerConfiguration.unixSocketPathProblem(path) { throw invalid(.unixSocket, path, problem) }
            configuration.target = .unixSocket(path: path)
        } else {
            configuration.target = .tcp(host: host, port: port)
        }
        if let workers = try integer(.workers, 0...1024) {
            configuration.workers = workers
            // One loop per worker unless told otherwise: the workers are the parallelism.
            if workers > 0 { configuration.eventLoopThreads = 1 }
        }
        if let threads = try integer(.threads, 1...1024) { configuration.eventLoopThreads = threads }
        if let path = value(.controlSocket), !path.isEmpty {
            if let problem = ServerConfiguration.unixSocketPathProblem(path) { throw invalid(.controlSocket, path, problem) }
            configuration.controlSocketPath = path
        }
        if let reuse = try flag(.reusePort) { configuration.reusePort = reuse }
        var limits = configuration.limits
        if let value = try integer(.maxRequestLine, 1...(1 << 20)) { limits.maxRequestLineLength = value }
        if let value = try integer(.maxHeaderSize, 1...(1 << 24)) { limits.maxHeaderSectionSize = value }
        if let value = try integer(.maxHeaders, 1...100_000) { limits.maxHeaderCount = value }
        if let value = try integer(.maxBody, 0...(1 << 40)) { limits.maxBodySize = value }
        configuration.limits = limits
        if let value = try seconds(.idleTimeout) { configuration.idleTimeout = value }
        if let value = try seconds(.requestTimeout) { configuration.requestHeadTimeout = value }
        if let value = try seconds(.shutdownGrace) { configuration.shutdownGracePeriod = value }
        if let value = try seconds(.shutdownLinger) { configuration.shutdownLinger = value }
        if let value = try integer(.maxConnections, 1...(1 << 30)) { configuration.maxConnections = value }
        if let value = try seconds(.writeTimeout) { configuration.writeTimeout = value }
        if let value = try integer(.minBodyRate, 0...(1 << 40)) {
            configuration.minimumRequestBodyRate = value == 0
                ? nil : MinimumDataRate(bytesPerSecond: value, gracePeriod: configuration.minimumRequestBodyRate?.gracePeriod ?? .seconds(10))
        }
        return configuration
    }
}
