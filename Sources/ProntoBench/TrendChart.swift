import Foundation

/// The figure a trend chart plots on its y axis.
public enum TrendMetric: String, CaseIterable, Sendable {
    /// Requests (or messages) per second: `rps`.
    case rps
    /// Server CPU µs per request: `cpu_us`.
    case cpuMicros = "cpu_us"
    /// p99 latency in ms: `p99_ms`.
    case p99Milliseconds = "p99_ms"

    /// The entry's value of this metric, nil when it has none.
    public func value(_ entry: BenchmarkHistoryEntry) -> Double? {
        switch self {
        case .rps: entry.rps
        case .cpuMicros: entry.cpuMicros
        case .p99Milliseconds: entry.p99Milliseconds
        }
    }

    var title: String {
        switch self {
        case .rps: "requests per second by commit (higher is better)"
        case .cpuMicros: "server CPU µs per request by commit (lower is better)"
        case .p99Milliseconds: "p99 latency by commit (lower is better)"
        }
    }

    var axisLabel: String {
        switch self {
        case .rps: "requests per second"
        case .cpuMicros: "server CPU µs per request"
        case .p99Milliseconds: "p99 latency (ms)"
        }
    }

    var unit: String {
        switch self {
        case .rps: "req/s"
        case .cpuMicros: "µs/req"
        case .p99Milliseconds: "ms p99"
        }
    }

    /// `trend-SCENARIO.svg` for req/s, `trend-SCENARIO.METRIC.svg` for the others.
    public func fileName(scenario: String) -> String {
        self == .rps ? "trend-\(scenario).svg" : "trend-\(scenario).\(rawValue).svg"
    }
}

/// SVG charts of the benchmark history, one per scenario: x = commits in the order they first
/// appear in the history (short hashes, `+` when dirty), y = a metric, one line per server (per
/// server and source when several sources measured the scenario). Several entries for one
/// commit, server and scenario are plotted as their median.
public enum TrendChart {
    /// Default number of commits a chart shows (the last ones).
    public static let defaultCommits = 30

    /// One point: the median of `count` entries at commit `commitIndex` of ``Plot/commits``.
    public struct Point: Equatable, Sendable {
        /// Index into ``Plot/commits``.
        public var commitIndex: Int
        /// The median of the entries' values.
        public var value: Double
        /// How many entries the median is of.
        public var count: Int
    }

    /// One line: a server (and a source, when several are plotted), with its points in commit order.
    public struct Series: Equatable, Sendable {
        /// The server's name.
        public var server: String
        /// The source, set only when the chart plots more than one.
        public var source: String?
        /// Palette index (the server's place in the server order).
        public var colorIndex: Int
        /// The commits where this server has entries, in order.
        public var points: [Point]

        /// The legend's name: `server`, or `server (source)`.
        public var label: String { source.map { "\(server) (\($0))" } ?? server }
    }

    /// What a chart plots.
    public struct Plot: Equatable, Sendable {
        /// The x axis' labels (``BenchmarkHistoryEntry/commitLabel``), oldest first.
        public var commits: [String]
        /// One per line.
        public var series: [Series]
    }

    /// Scenario names in the order they first appear.
    public static func scenarios(in entries: [BenchmarkHistoryEntry]) -> [String] {
        unique(entries.map(\.scenario))
    }

    /// `preferred` (e.g. a suite config's servers, so that colours match the suite's charts), then
    /// the other servers of `entries` in the order they first appear: a `servers` list for ``data(_:scenario:metric:servers:last:)``.
    public static func serverOrder(_ entries: [BenchmarkHistoryEntry], preferred: [String]) -> [String] {
        unique(preferred + entries.map(\.server))
    }

    /// Groups `scenario`'s entries by commit and server (and source), medians, last `last` commits.
    /// `servers` filters and orders the lines (and picks their colours); without it every server
    /// is plotted, coloured by the order servers first appear in `entries`.
    public static func data(_ entries: [BenchmarkHistoryEntry], scenario: String, metric: TrendMetric = .rps,
                            servers: [String]? = nil, last: Int = defaultCommits) -> Plot {
        let order = servers ?? unique(entries.map(\.server))
        let mine = entries.filter { $0.scenario == scenario && order.contains($0.server) && metric.value($0) != nil }
        let commits = Array(unique(mine.map(\.commitLabel)).suffix(max(last, 1)))
        let sources = unique(mine.map(\.source))
        var series: [Series] = []
        for (colorIndex, server) in order.enumerated() {
            for source in sources {
                var points: [Point] = []
                for (i, commit) in commits.enumerated() {
                    let values = mine.filter { $0.server == server && $0.source == source && $0.commitLabel == commit }.compactMap(metric.value)
                    if let m = median(values) { points.append(Point(commitIndex: i, value: m, count: values.count)) }
                }
                if !points.isEmpty {
                    series.append(Series(server: server, source: sources.count > 1 ? source : nil, colorIndex: colorIndex, points: points))
                }
            }
        }
        return Plot(commits: commits, series: series)
    }

    /// The chart of `scenario` (760×440, no script), with a "no history" note when nothing matches.
    public static func svg(_ entries: [BenchmarkHistoryEntry], scenario: String, metric: TrendMetric = .rps,
                           servers: [String]? = nil, last: Int = defaultCommits) -> String {
        let data = data(entries, scenario: scenario, metric: metric, servers: servers, last: last)
        typealias C = SuiteCharts
        let left = C.left, top = C.top, plotW = C.width - C.left - C.right, plotH = C.height - C.top - C.bottom
        let sources = unique(data.series.compactMap(\.source))
        let sourceText = unique(entries.filter { $0.scenario == scenario }.map(\.source)).joined(separator: ", ")
        var subtitle = "\(data.commits.count) commit\(data.commits.count == 1 ? "" : "s") (the last \(last) at most)"
        if !sourceText.isEmpty { subtitle += "; measured by \(sourceText)" }
        subtitle += "; several runs at one commit: their median"
        var svg = C.header(title: "\(scenario): \(metric.title)", subtitle: subtitle)
        let maxValue = data.series.flatMap { $0.points.map(\.value) }.max() ?? 0
        let (ticks, yTop) = C.niceTicks(maxValue)
        svg += C.axes(ticks: ticks, top: yTop, label: { C.short($0) }, yLabel: metric.axisLabel,
                      xLabel: "commit, oldest to newest (+: uncommitted changes)")
        func x(_ i: Int) -> Double {
            data.commits.count < 2 ? left + plotW / 2 : left + 20 + (plotW - 40) * Double(i) / Double(data.commits.count - 1)
        }
        func y(_ v: Double) -> Double { top + plotH - (yTop > 0 ? plotH * v / yTop : 0) }
        for (i, commit) in data.commits.enumerated() {
            let cx = C.f(x(i)), ly = C.f(top + plotH + 12)
            svg += "<line x1=\"\(cx)\" y1=\"\(C.f(top))\" x2=\"\(cx)\" y2=\"\(C.f(top + plotH))\" stroke=\"#f2f2f2\"/>\n"
            svg += "<text class=\"commit\" x=\"\(cx)\" y=\"\(ly)\" text-anchor=\"end\" font-size=\"10\" transform=\"rotate(-40 \(cx) \(ly))\">\(C.esc(commit))</text>\n"
        }
        for s in data.series {
            let color = C.palette[s.colorIndex % C.palette.count]
            let dash = dashArray(s.source.flatMap { sources.firstIndex(of: $0) } ?? 0)
            let points = s.points.map { "\(C.f(x($0.commitIndex))),\(C.f(y($0.value)))" }.joined(separator: " ")
            svg += "<polyline class=\"trend\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash) points=\"\(points)\"><title>\(C.esc(s.label))</title></polyline>\n"
            for p in s.points {
                var tip = "\(s.label) at \(data.commits[p.commitIndex]): \(valueText(p.value, metric))"
                if p.count > 1 { tip += " (median of \(p.count))" }
                svg += "<circle cx=\"\(C.f(x(p.commitIndex)))\" cy=\"\(C.f(y(p.value)))\" r=\"3\" fill=\"\(color)\"><title>\(C.esc(tip))</title></circle>\n"
            }
        }
        if data.series.isEmpty {
            svg += "<text x=\"\(C.f(left + plotW / 2))\" y=\"\(C.f(top + plotH / 2))\" text-anchor=\"middle\" fill=\"#c00\">no history for this scenario</text>\n"
        }
        svg += legend(data.series, sources: sources)
        return svg + "</svg>\n"
    }

    /// Writes `metric.fileName(scenario:)` into `directory` for each of `scenarios` (default: every
    /// scenario in `entries`); returns the paths.
    @discardableResult
    public static func write(_ entries: [BenchmarkHistoryEntry], to directory: String, scenarios: [String]? = nil,
                             metric: TrendMetric = .rps, servers: [String]? = nil, last: Int = defaultCommits) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try (scenarios ?? self.scenarios(in: entries)).map { scenario in
            let path = (directory as NSString).appendingPathComponent(metric.fileName(scenario: scenario))
            try svg(entries, scenario: scenario, metric: metric, servers: servers, last: last)
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static func legend(_ series: [Series], sources: [String]) -> String {
        var svg = "<g class=\"legend\" font-size=\"12\">\n"
        var x = SuiteCharts.left
        for s in series {
            let color = SuiteCharts.palette[s.colorIndex % SuiteCharts.palette.count]
            let dash = dashArray(s.source.flatMap { sources.firstIndex(of: $0) } ?? 0)
            svg += "<line x1=\"\(SuiteCharts.f(x))\" y1=\"62\" x2=\"\(SuiteCharts.f(x + 16))\" y2=\"62\" stroke=\"\(color)\" stroke-width=\"3\"\(dash)/>"
            svg += "<text x=\"\(SuiteCharts.f(x + 20))\" y=\"66\">\(SuiteCharts.esc(s.label))</text>\n"
            x += 32 + Double(s.label.count) * 7
        }
        return svg + "</g>\n"
    }

    /// Solid for the first source, dashed patterns for the others.
    static func dashArray(_ sourceIndex: Int) -> String {
        let patterns = ["", "6 3", "2 3", "8 3 2 3"]
        let pattern = patterns[sourceIndex % patterns.count]
        return pattern.isEmpty ? "" : " stroke-dasharray=\"\(pattern)\""
    }

    static func valueText(_ value: Double, _ metric: TrendMetric) -> String {
        switch metric {
        case .rps: "\(Format.grouped(Int(value.rounded()))) req/s"
        default: "\(Format.decimal(value, 2)) \(metric.unit)"
        }
    }

    /// The middle value, or the mean of the two middle ones; nil when empty.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
