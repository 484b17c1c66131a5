import Foundation

/// The file `pronto-bench suite --config FILE` reads (default `Benchmarks/suite.json`): which
/// servers to build and start, and which scenarios to run against each.
public struct SuiteConfiguration: Codable, Equatable, Sendable {
    /// Where build and start commands run, relative to the config file's folder
    /// (`..` for `Benchmarks/suite.json`: the repository root). Default: the config's folder.
    public var workingDirectory: String?
    /// CPU the load generator is pinned to (taskset); nil: not pinned.
    public var generatorCPU: Int?
    /// Seconds of load before each scenario's measured run (scaled by `--duration-scale`).
    public var warmupSeconds: Double?
    /// Seconds to wait for a started server to answer its ready check.
    public var startupTimeoutSeconds: Double?
    /// Server whose figures the ratios divide by, unless `--baseline` names another.
    public var baseline: String?
    public var servers: [SuiteServer]
    public var scenarios: [SuiteScenario]

    public init(workingDirectory: String? = nil, generatorCPU: Int? = nil, warmupSeconds: Double? = nil,
                startupTimeoutSeconds: Double? = nil, baseline: String? = nil,
                servers: [SuiteServer], scenarios: [SuiteScenario]) {
        self.workingDirectory = workingDirectory
        self.generatorCPU = generatorCPU
        self.warmupSeconds = warmupSeconds
        self.startupTimeoutSeconds = startupTimeoutSeconds
        self.baseline = baseline
        self.servers = servers
        self.scenarios = scenarios
    }

    /// Parses and validates a config; errors are `SuiteError.invalidConfig` naming the field.
    public static func parse(_ data: Data, source: String = "config") throws -> SuiteConfiguration {
        let configuration: SuiteConfiguration
        do {
            configuration = try JSONDecoder().decode(SuiteConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw SuiteError.invalidConfig(source, Self.describe(error))
        } catch {
            throw SuiteError.invalidConfig(source, "\(error)")
        }
        try configuration.validate(source: source)
        return configuration
    }

    /// Reads, parses and validates the config file at `path`.
    public static func load(path: String) throws -> SuiteConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SuiteError.invalidConfig(path, "cannot read the file")
        }
        return try parse(data, source: path)
    }

    /// Throws `SuiteError.invalidConfig` for a config that cannot run.
    public func validate(source: String = "config") throws {
        func fail(_ why: String) -> SuiteError { .invalidConfig(source, why) }
        guard !servers.isEmpty else { throw fail("\"servers\" is empty") }
        guard !scenarios.isEmpty else { throw fail("\"scenarios\" is empty") }
        var seen = Set<String>()
        for (i, server) in servers.enumerated() {
            let at = "servers[\(i)]"
            guard Self.isName(server.name) else { throw fail("\(at).name \"\(server.name)\" must be letters, digits, '-', '_' or '.'") }
            guard seen.insert(server.name).inserted else { throw fail("server name \"\(server.name)\" appears twice") }
            guard server.start.contains("{port}") else { throw fail("\(at).start (\(server.name)) has no {port} placeholder") }
            if let cpu = server.cpu { guard cpu >= 0 else { throw fail("\(at).cpu must be >= 0") } }
            if let ready = server.ready { guard ready.hasPrefix("/") else { throw fail("\(at).ready must start with /") } }
        }
        seen = []
        for (i, scenario) in scenarios.enumerated() {
            let at = "scenarios[\(i)]"
            guard Self.isName(scenario.name) else { throw fail("\(at).name \"\(scenario.name)\" must be letters, digits, '-', '_' or '.'") }
            guard seen.insert(scenario.name).inserted else { throw fail("scenario name \"\(scenario.name)\" appears twice") }
            guard scenario.path.hasPrefix("/") else { throw fail("\(at).path (\(scenario.name)) must start with /") }
            guard scenario.connections >= 1 else { throw fail("\(at).connections (\(scenario.name)) must be at least 1") }
            guard scenario.duration > 0 else { throw fail("\(at).duration (\(scenario.name)) must be positive") }
            guard (1...1024).contains(scenario.pipeline ?? 1) else { throw fail("\(at).pipeline (\(scenario.name)) must be in 1...1024") }
            if let rate = scenario.rate { guard rate > 0 else { throw fail("\(at).rate (\(scenario.name)) must be positive") } }
        }
        if let generatorCPU { guard generatorCPU >= 0 else { throw fail("generatorCPU must be >= 0") } }
        if let warmupSeconds { guard warmupSeconds >= 0 else { throw fail("warmupSeconds must be >= 0") } }
        if let baseline { guard servers.contains(where: { $0.name == baseline }) else { throw fail("baseline \"\(baseline)\" is not a server") } }
    }

    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "missing field \"\(key.stringValue)\"" + (parent.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            let at = path(context.codingPath)
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return (at.isEmpty ? "" : "\(at): ") + (underlying ?? context.debugDescription)
        @unknown default:
            return "\(error)"
        }
    }
}

/// A server under test.
public struct SuiteServer: Codable, Equatable, Sendable {
    public var name: String
    /// Shell command that builds it (run in the working directory), nil: nothing to build.
    public var build: String?
    /// Shell command that starts it in the foreground; `{port}` is replaced by a free port.
    public var start: String
    /// CPU it is pinned to (taskset); nil: not pinned.
    public var cpu: Int?
    /// Path of a GET that must answer (any complete response below 400) before the load.
    /// Default: the first scenario's path.
    public var ready: String?

    public init(name: String, build: String? = nil, start: String, cpu: Int? = nil, ready: String? = nil) {
        self.name = name
        self.build = build
        self.start = start
        self.cpu = cpu
        self.ready = ready
    }
}

/// A load to apply to every server.
public struct SuiteScenario: Codable, Equatable, Sendable {
    public var name: String
    public var path: String
    public var connections: Int
    /// Seconds (scaled by `--duration-scale`).
    public var duration: Double
    /// Requests written at once per connection (default 1).
    public var pipeline: Int?
    /// Fixed total rate in requests/s (wrk2-style, latency corrected); nil: peak.
    public var rate: Double?

    public init(name: String, path: String, connections: Int, duration: Double, pipeline: Int? = nil, rate: Double? = nil) {
        self.name = name
        self.path = path
        self.connections = connections
        self.duration = duration
        self.pipeline = pipeline
        self.rate = rate
    }

    /// "GET /json, 50 connections, pipeline 16, fixed rate 4,000 req/s".
    public var summary: String {
        var s = "GET \(path), \(connections) connection\(connections == 1 ? "" : "s")"
        if let pipeline, pipeline > 1 { s += ", pipeline \(pipeline)" }
        if let rate { s += ", fixed rate \(Format.grouped(Int(rate.rounded()))) req/s" }
        return s
    }
}

/// Why a suite cannot run.
public enum SuiteError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String, String)
    case unknownName(String, String, [String])
    case serverFailed(String, String)
    case generatorFailed(String)

    public var description: String {
        switch self {
        case .invalidConfig(let source, let why): "invalid suite config \(source): \(why)"
        case .unknownName(let kind, let name, let known): "unknown \(kind) \"\(name)\" (known: \(known.joined(separator: ", ")))"
        case .serverFailed(let name, let why): "server \(name): \(why)"
        case .generatorFailed(let why): "load generator failed: \(why)"
        }
    }
}
