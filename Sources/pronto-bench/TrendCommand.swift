import ArgumentParser
import Foundation
import ProntoBench

/// `pronto-bench trend`: the trend charts from the history alone.
struct Trend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Renders trend-SCENARIO.svg per scenario from the benchmark history: a metric by commit, one line per server.",
        discussion: """
            The history (JSON lines, one per server, scenario and run) is appended by \
            Benchmarks/run.sh, pronto-bench suite and the other benchmark scripts. x = commits in \
            the order they first appear (a '+' marks a dirty tree), several entries at one commit \
            are plotted as their median. Malformed lines are skipped with a warning.
            """
    )

    @Option(help: "History file (JSON lines).")
    var history = BenchmarkHistory.defaultRelativePath

    @Option(help: "Folder for the charts (default: the history file's folder).")
    var out: String?

    @Option(help: "Only entries of this source (run.sh, suite, echo.sh, …; default: all, one line per server and source).")
    var source: String?

    @Option(help: "Servers to plot, comma-separated, in legend and colour order (default: all).")
    var servers: String?

    @Option(help: "Suite config whose server order sets the colours (as in the suite's charts) when --servers is not given; ignored when missing.")
    var config = "Benchmarks/suite.json"

    @Option(help: "Scenarios to chart, comma-separated (default: every scenario in the history).")
    var scenarios: String?

    @Option(help: "Commits per chart: the last N.")
    var last = TrendChart.defaultCommits

    @Option(help: "y axis: rps, cpu_us or p99_ms (the others are written as trend-SCENARIO.METRIC.svg).")
    var metric = TrendMetric.rps.rawValue

    func run() throws {
        guard let metric = TrendMetric(rawValue: metric) else {
            throw ValidationError("--metric must be one of " + TrendMetric.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard last >= 1 else { throw ValidationError("--last must be at least 1") }
        guard FileManager.default.fileExists(atPath: history) else { throw ValidationError("no history at \(history)") }
        let (all, warnings) = try BenchmarkHistory.read(path: history)
        warnings.forEach(warn)
        let entries = all.filter { source == nil || $0.source == source }
        guard !entries.isEmpty else {
            throw ValidationError("no entries in \(history)" + (source.map { " with source \($0)" } ?? ""))
        }
        let folder = out ?? (history as NSString).deletingLastPathComponent
        let paths = try TrendChart.write(entries, to: folder.isEmpty ? "." : folder, scenarios: Suite.list(scenarios),
                                         metric: metric, servers: order(entries), last: last)
        print("wrote " + paths.joined(separator: ", "))
    }

    /// `--servers`, else the config's servers then the others as they first appear.
    func order(_ entries: [BenchmarkHistoryEntry]) -> [String] {
        if let chosen = Suite.list(servers), !chosen.isEmpty { return chosen }
        let preferred = (try? SuiteConfiguration.load(path: config))?.servers.map(\.name) ?? []
        return TrendChart.serverOrder(entries, preferred: preferred)
    }
}

/// `pronto-bench suite`'s history options, and what it does with them after a run.
struct SuiteHistoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("History file to append the run to (default: Benchmarks/results/history.jsonl in the config's working directory). Named explicitly, short runs are appended too.", valueName: "file"))
    var history: String?

    @Flag(help: "Do not append the run to the history, and render no trend charts.")
    var noHistory = false

    /// Appends the run's results (source "suite") unless `--no-history` or a trial run
    /// (`--duration-scale` < 0.5 without `--history`), then renders `trend-SCENARIO.svg` per
    /// scenario of the run into `out` from the history's suite entries (fixed-rate scenarios also
    /// `trend-SCENARIO.p99_ms.svg`). Returns the charts' paths. A failure is logged, not thrown:
    /// the run's own results are written by then.
    func record(_ results: SuiteResults, configuration: SuiteConfiguration, configDirectory: String,
                durationScale: Double, out: String, log: (String) -> Void) -> [String] {
        do {
            return try appendAndChart(results, configuration: configuration, configDirectory: configDirectory,
                                      durationScale: durationScale, out: out, log: log)
        } catch {
            log("history: \(error)")
            return []
        }
    }

    func appendAndChart(_ results: SuiteResults, configuration: SuiteConfiguration, configDirectory: String,
                        durationScale: Double, out: String, log: (String) -> Void) throws -> [String] {
        let repository = URL(fileURLWithPath: configuration.workingDirectory ?? ".",
                             relativeTo: URL(fileURLWithPath: configDirectory, isDirectory: true)).standardizedFileURL.path
        let path = history ?? (repository as NSString).appendingPathComponent(BenchmarkHistory.defaultRelativePath)
        switch BenchmarkHistory.decision(durationScale: durationScale, explicitFile: history != nil, disabled: noHistory) {
        case .disabled:
            return []
        case .shortRun:
            log("not appended to the history (--duration-scale \(durationScale) < \(BenchmarkHistory.shortDurationScale): a trial run; --history FILE appends it)")
        case .append:
            let entries = BenchmarkHistory.entries(from: results, dirty: BenchmarkHistory.gitDirty(in: repository) ?? false)
            if entries.isEmpty {
                log("nothing appended to the history (no commit, or no successful result)")
            } else {
                try BenchmarkHistory.append(entries, to: path)
                log("appended \(entries.count) lines to \(path)")
            }
        }
        let (all, warnings) = try BenchmarkHistory.read(path: path)
        warnings.forEach(warn)
        let entries = all.filter { $0.source == "suite" }
        guard !entries.isEmpty else { return [] }
        let servers = results.servers.map(\.name)
        var paths = try TrendChart.write(entries, to: out, scenarios: results.scenarios.map(\.name), servers: servers)
        let fixedRate = results.scenarios.filter { $0.rate != nil }.map(\.name)
        if !fixedRate.isEmpty {
            paths += try TrendChart.write(entries, to: out, scenarios: fixedRate, metric: .p99Milliseconds, servers: servers)
        }
        return paths
    }
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}
