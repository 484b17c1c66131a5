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
    /// 1-based repeat this run was (with `--repeat N` > 1), nil otherwise.
    public var run: Int?

    public init(server: String, scenario: String, requests: Int = 0, durationSeconds: Double = 0,
                requestsPerSecond: Double = 0, latency: LatencySummary? = nil, errors: ErrorCounts = ErrorCounts(),
                serverCPUMicrosPerRequest: Double? = nil, serverCPUPercent: Double? = nil, failure: String? = nil, run: Int? = nil) {
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
        self.run = run
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
    /// Per server and scenario; with `--repeat N` > 1 the median run by req/s (all runs in `runs`).
    public var results: [SuiteResult]
    /// `--repeat N` (nil: 1).
    public var repeats: Int?
    /// Every run, with its `run` index, when `repeats` > 1.
    public var runs: [SuiteResult]?
    /// `--compare REV`: the revision as given, and the commit it resolved to.
    public var compare: String?
    public var compareCommit: String?
    /// REV's twins against the working tree's servers, per scenario.
    public var comparisons: [SuiteComparison]?

    public init(timestamp: String, commit: String?, generator: String, durationScale: Double, warmupSeconds: Double,
                baseline: String?, servers: [SuiteServer], scenarios: [SuiteScenario], results: [SuiteResult],
                repeats: Int? = nil, runs: [SuiteResult]? = nil, compare: String? = nil, compareCommit: String? = nil,
                comparisons: [SuiteComparison]? = nil) {
        self.repeats = repeats
        self.runs = runs
        self.compare = compare
        self.compareCommit = compareCommit
        self.comparisons = comparisons
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
        if let repeats, repeats > 1 {
            lines.append("Each server and scenario ran \(repeats) times; the table shows the median run by req/s.")
        }
        if let compare, let comparisons {
            lines.append("")
            lines += comparisonMarkdown(rev: compare, comparisons)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `+3.2%`, `-0.4%`.
    static func percent(_ change: Double) -> String {
        (change >= 0 ? "+" : "") + Format.decimal(change * 100, 1) + "%"
    }

    /// The `--compare` section: REV vs the working tree, per scenario, with verdicts.
    public func comparisonMarkdown(rev: String, _ comparisons: [SuiteComparison]) -> [String] {
        var lines = ["## `\(rev)`" + (compareCommit.map { " (\($0))" } ?? "") + " vs the working tree" + (commit.map { " (\($0))" } ?? ""), ""]
        guard !comparisons.isEmpty else {
            return lines + ["No comparison: no scenario ran successfully on both sides."]
        }
        lines.append("| scenario | server | req/s tree | req/s \(rev) | change | noise | verdict | p99 tree | p99 \(rev) | change | noise | verdict |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |")
        for c in comparisons {
            let r = c.requestsPerSecond
            var cells = [c.scenario, c.server, Format.grouped(Int(r.current.rounded())), Format.grouped(Int(r.other.rounded())),
                         Self.percent(r.change), r.noise.map { "±" + Format.decimal($0 * 100, 1) + "%" } ?? "-", r.verdict.rawValue]
            if let p = c.p99 {
                cells += [Format.micros(UInt64(p.current.rounded())), Format.micros(UInt64(p.other.rounded())), Self.percent(p.change),
                          p.noise.map { "±" + Format.decimal($0 * 100, 1) + "%" } ?? "-", p.verdict.rawValue]
            } else {
                cells += ["-", "-", "-", "-", "-"]
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("Change: REV's mean over its runs against the working tree's. Noise: the larger relative spread "
            + "(max − min over mean) between either side's repeated runs; \"faster\"/\"slower\" only when the change exceeds it. "
            + "Fixed-rate scenarios: read p99, req/s is the rate.")
        return lines
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
