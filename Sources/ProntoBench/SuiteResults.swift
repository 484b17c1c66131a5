import Foundation

/// What one scenario measured against one server (or why it could not).
public struct SuiteResult: Codable, Equatable, Sendable {
    public var server: String
    public var scenario: String
    public var requests: Int
    public var durationSeconds: Double
    public var requestsPerSecond: Double
    /// Latency in µs: corrected (from the scheduled time) in fixed-rate scenarios.
    public var latency: LatencySummary?
    public var errors: ErrorCounts
    /// Server CPU time (user + system, from /proc/PID/stat) per response, µs.
    public var serverCPUMicrosPerRequest: Double?
    /// Server CPU time over the run's wall time, percent of one CPU.
    public var serverCPUPercent: Double?
    /// Set when the server could not be built or started, or the run failed.
    public var failure: String?

    public init(server: String, scenario: String, requests: Int = 0, durationSeconds: Double = 0,
                requestsPerSecond: Double = 0, latency: LatencySummary? = nil, errors: ErrorCounts = ErrorCounts(),
                serverCPUMicrosPerRequest: Double? = nil, serverCPUPercent: Double? = nil, failure: String? = nil) {
        self.server = server
        self.scenario = scenario
        self.requests = requests
        self.durationSeconds = durationSeconds
        self.requestsPerSecond = requestsPerSecond
        self.latency = latency
        self.errors = errors
        self.serverCPUMicrosPerRequest = serverCPUMicrosPerRequest
        self.serverCPUPercent = serverCPUPercent
        self.failure = failure
    }
}

/// A whole suite run: what ran, how, and the results (the results JSON).
public struct SuiteResults: Codable, Equatable, Sendable {
    public var timestamp: String
    public var commit: String?
    public var generator: String
    public var durationScale: Double
    public var warmupSeconds: Double
    public var baseline: String?
    public var servers: [SuiteServer]
    /// The scenarios as run (durations already scaled).
    public var scenarios: [SuiteScenario]
    public var results: [SuiteResult]

    public init(timestamp: String, commit: String?, generator: String, durationScale: Double, warmupSeconds: Double,
                baseline: String?, servers: [SuiteServer], scenarios: [SuiteScenario], results: [SuiteResult]) {
        self.timestamp = timestamp
        self.commit = commit
        self.generator = generator
        self.durationScale = durationScale
        self.warmupSeconds = warmupSeconds
        self.baseline = baseline
        self.servers = servers
        self.scenarios = scenarios
        self.results = results
    }

    public func result(server: String, scenario: String) -> SuiteResult? {
        results.first { $0.server == server && $0.scenario == scenario }
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Req/s of `server` over the baseline's in the same scenario.
    public func throughputRatio(_ r: SuiteResult) -> Double? {
        guard let baseline, r.failure == nil, let base = result(server: baseline, scenario: r.scenario),
              base.failure == nil, base.requestsPerSecond > 0 else { return nil }
        return r.requestsPerSecond / base.requestsPerSecond
    }

    /// p99 latency of `server` over the baseline's in the same scenario.
    public func p99Ratio(_ r: SuiteResult) -> Double? {
        guard let baseline, r.failure == nil, let p99 = r.latency?.p99,
              let base = result(server: baseline, scenario: r.scenario), base.failure == nil,
              let baseP99 = base.latency?.p99, baseP99 > 0 else { return nil }
        return Double(p99) / Double(baseP99)
    }

    /// The Markdown report: one row per scenario and server, ratios to the baseline.
    public func markdown() -> String {
        let base = baseline ?? "-"
        var lines = ["# pronto-bench suite", ""]
        var about = "\(timestamp)"
        if let commit { about += ", commit \(commit)" }
        about += "; generator: \(generator); duration scale \(Format.decimal(durationScale, 3).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression))"
        about += ", warm-up \(Format.decimal(warmupSeconds, 1)) s; baseline `\(base)`."
        lines.append(about)
        lines.append("")
        lines.append("| scenario | server | req/s | req/s vs \(base) | p50 | p99 | p99.99 | p99 vs \(base) | server CPU µs/req | errors |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for scenario in scenarios {
            for server in servers {
                guard let r = result(server: server.name, scenario: scenario.name) else { continue }
                if let failure = r.failure {
                    lines.append("| \(scenario.name) | \(server.name) | failed: \(Self.cell(failure)) | | | | | | | |")
                    continue
                }
                let cells = [
                    scenario.name, server.name,
                    Format.grouped(Int(r.requestsPerSecond.rounded())),
                    throughputRatio(r).map { Format.decimal($0, 3) } ?? "-",
                    r.latency.map { Format.micros($0.p50) } ?? "-",
                    r.latency.map { Format.micros($0.p99) } ?? "-",
                    r.latency.map { Format.micros($0.p9999) } ?? "-",
                    p99Ratio(r).map { Format.decimal($0, 3) } ?? "-",
                    r.serverCPUMicrosPerRequest.map { Format.decimal($0, 2) } ?? "-",
                    r.errors.total == 0 ? "0" : Format.grouped(r.errors.total),
                ]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        lines.append("")
        lines.append("Scenarios: " + scenarios.map { "`\($0.name)` \($0.summary), \(Format.decimal($0.duration, 1)) s" }.joined(separator: "; ") + ".")
        lines.append("Fixed-rate latency is measured from each request's scheduled send time (coordinated omission corrected).")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
