import Foundation
import Testing

@testable import ProntoBench

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("trend charts")
struct TrendChartTests {
    /// Four commits (the third dirty); `limit` has two runs at the first, `pronto` misses the second.
    static let history: [BenchmarkHistoryEntry] = {
        var entries: [BenchmarkHistoryEntry] = []
        func add(_ commit: String, _ dirty: Bool, _ server: String, _ scenario: String, _ rps: Double) {
            entries.append(BenchmarkHistoryEntry(commit: commit, dirty: dirty, date: "2026-12-0\(entries.count % 9 + 1)T00:00:00Z",
                                                 source: "run.sh", server: server, scenario: scenario, rps: rps, cpuMicros: rps / 10_000))
        }
        add("aaaaaaa", false, "limit", "plaintext", 100_000)
        add("aaaaaaa", false, "limit", "plaintext", 120_000)
        add("aaaaaaa", false, "limit", "plaintext", 200_000)
        add("aaaaaaa", false, "pronto", "plaintext", 90_000)
        add("aaaaaaa", false, "limit", "json", 1)
        add("bbbbbbb", false, "limit", "plaintext", 110_000)
        add("ccccccc", true, "limit", "plaintext", 115_000)
        add("ccccccc", true, "pronto", "plaintext", 95_000)
        add("ddddddd", false, "limit", "plaintext", 112_000)
        add("ddddddd", false, "pronto", "plaintext", 99_000)
        add("ddddddd", false, "nio-http1", "plaintext", 50_000)
        return entries
    }()

    /// Polylines (class, points attribute) and text, in document order.
    final class Reader: NSObject, XMLParserDelegate {
        var polylines: [[String: String]] = []
        var commitLabels: [String] = []
        var texts: [String] = []
        var inCommit = false
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "polyline" { polylines.append(attributes) }
            inCommit = name == "text" && attributes["class"] == "commit"
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { inCommit = false }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            texts.append(string)
            if inCommit { commitLabels.append(string) }
        }
        static func read(_ svg: String) -> Reader? {
            let reader = Reader()
            let parser = XMLParser(data: Data(svg.utf8))
            parser.delegate = reader
            return parser.parse() ? reader : nil
        }
        func pointCounts() -> [Int] { polylines.map { ($0["points"] ?? "").split(separator: " ").count } }
    }

    @Test func oneLinePerServerThroughItsCommits() throws {
        let svg = TrendChart.svg(Self.history, scenario: "plaintext")
        let chart = try #require(Reader.read(svg), "not well-formed XML")
        #expect(chart.polylines.count == 3)
        #expect(chart.polylines.allSatisfy { $0["class"] == "trend" })
        #expect(chart.pointCounts() == [4, 3, 1])  // limit, pronto (not at bbbbbbb), nio-http1
        #expect(chart.commitLabels == ["aaaaaaa", "bbbbbbb", "ccccccc+", "ddddddd"])
        // Colours: the suite charts' palette, by the servers' order of first appearance.
        #expect(chart.polylines.map { $0["stroke"] } == Array(SuiteCharts.palette.prefix(3)))
        let text = chart.texts.joined()
        #expect(text.contains("plaintext: requests per second by commit"))
        #expect(text.contains("limit at aaaaaaa: 120,000 req/s (median of 3)"))
        #expect(text.contains("4 commits"))
    }

    @Test func mediansAndTheLastCommits() {
        let data = TrendChart.data(Self.history, scenario: "plaintext")
        #expect(data.series.map(\.server) == ["limit", "pronto", "nio-http1"])
        #expect(data.series[0].points.map(\.value) == [120_000, 110_000, 115_000, 112_000])
        #expect(data.series[0].points[0].count == 3)
        #expect(data.series[1].points.map(\.commitIndex) == [0, 2, 3])
        let recent = TrendChart.data(Self.history, scenario: "plaintext", last: 2)
        #expect(recent.commits == ["ccccccc+", "ddddddd"])
        #expect(recent.series.map { $0.points.count } == [2, 2, 1])
        #expect(TrendChart.median([1, 5, 2, 8]) == 3.5)
        // --servers picks and orders the lines (and their colours).
        let chosen = TrendChart.data(Self.history, scenario: "plaintext", servers: ["pronto", "limit"])
        #expect(chosen.series.map(\.server) == ["pronto", "limit"] && chosen.series.map(\.colorIndex) == [0, 1])
        #expect(TrendChart.serverOrder(Self.history, preferred: ["nio-floor", "pronto"]) == ["nio-floor", "pronto", "limit", "nio-http1"])
        #expect(TrendChart.data(Self.history, scenario: "plaintext", metric: .cpuMicros).series[0].points[0].value == 12)
    }

    @Test func severalSourcesGetALineEach() throws {
        var entries = Self.history
        entries.append(BenchmarkHistoryEntry(commit: "ddddddd", date: "d", source: "suite", server: "limit", scenario: "plaintext", rps: 1))
        let data = TrendChart.data(entries, scenario: "plaintext")
        #expect(data.series.map(\.label) == ["limit (run.sh)", "limit (suite)", "pronto (run.sh)", "nio-http1 (run.sh)"])
        let chart = try #require(Reader.read(TrendChart.svg(entries, scenario: "plaintext")))
        #expect(chart.polylines[1]["stroke-dasharray"] != nil && chart.polylines[0]["stroke-dasharray"] == nil)
    }

    @Test func emptyScenarioSaysSo() throws {
        let chart = try #require(Reader.read(TrendChart.svg(Self.history, scenario: "nothing")))
        #expect(chart.polylines.isEmpty && chart.texts.joined().contains("no history for this scenario"))
    }

    @Test func writeNamesTheFilesByScenarioAndMetric() throws {
        let folder = BenchmarkHistoryTests.temporaryFolder("write")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let paths = try TrendChart.write(Self.history, to: folder)
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["trend-plaintext.svg", "trend-json.svg"])
        let p99 = try TrendChart.write(Self.history, to: folder, scenarios: ["plaintext"], metric: .p99Milliseconds)
        #expect(p99.map { ($0 as NSString).lastPathComponent } == ["trend-plaintext.p99_ms.svg"])
    }
}
