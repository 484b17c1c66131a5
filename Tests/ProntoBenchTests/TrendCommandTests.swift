import Foundation
import Testing

@testable import ProntoBench

/// `pronto-bench trend` and the suite's history, by running the binary.
@Suite("pronto-bench trend and the suite's history")
struct TrendCommandTests {
    /// Runs `pronto-bench ARGS`; its exit status, standard output and standard error.
    static func run(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let binary = try #require(SuiteTests.prontoBenchBinary(), "pronto-bench not built beside the tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        // Standard error to a file, so that neither stream can fill while the other is read.
        let errPath = NSTemporaryDirectory() + "pronto-trend-stderr-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        let waiting = UncheckedBox((process, out))
        let stdout = try await onOwnThread {
            let data = waiting.value.1.fileHandleForReading.readDataToEndOfFile()
            waiting.value.0.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, stdout, stderr)
    }

    @Test func trendRendersTheChartsFromAHistoryFile() async throws {
        let folder = BenchmarkHistoryTests.temporaryFolder("trend")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let history = folder + "/history.jsonl"
        var lines = TrendChartTests.history.map(\.line)
        lines.insert("this is not json", at: 2)
        try (lines.joined(separator: "\n") + "\n").write(toFile: history, atomically: true, encoding: .utf8)

        let result = try await Self.run(["trend", "--history", history, "--out", folder + "/charts", "--servers", "pronto,limit"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.contains("\(history):3: skipped malformed history line"))
        for name in ["trend-plaintext.svg", "trend-json.svg"] {
            #expect(result.out.contains(folder + "/charts/" + name))
        }
        let svg = try String(contentsOfFile: folder + "/charts/trend-plaintext.svg", encoding: .utf8)
        let chart = try #require(TrendChartTests.Reader.read(svg))
        #expect(chart.pointCounts() == [3, 4])  // pronto, limit: the --servers order; nio-http1 left out
        #expect(chart.commitLabels == ["aaaaaaa", "bbbbbbb", "ccccccc+", "ddddddd"])

        // --source filters; the charts go beside the history by default.
        let none = try await Self.run(["trend", "--history", history, "--source", "suite"])
        #expect(none.status != 0 && none.err.contains("no entries"))
        let beside = try await Self.run(["trend", "--history", history, "--scenarios", "plaintext", "--last", "2"])
        #expect(beside.status == 0)
        let recent = try #require(TrendChartTests.Reader.read(try String(contentsOfFile: folder + "/trend-plaintext.svg", encoding: .utf8)))
        #expect(recent.commitLabels == ["ccccccc+", "ddddddd"])
        #expect(!FileManager.default.fileExists(atPath: folder + "/trend-json.svg"))

        let missing = try await Self.run(["trend", "--history", folder + "/none.jsonl"])
        #expect(missing.status != 0 && missing.err.contains("no history at"))
    }

    @Test(.timeLimit(.minutes(1)))
    func suiteAppendsItsResultsAndRendersTrendCharts() async throws {
        let binary = try #require(SuiteTests.prontoBenchBinary(), "pronto-bench not built beside the tests")
        let folder = BenchmarkHistoryTests.temporaryFolder("suite")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The repository as working directory, so the run has a commit; the history is a temporary file.
        let config = """
            {"workingDirectory": "\(SuiteTests.repoRoot.path)", "warmupSeconds": 0.1, "startupTimeoutSeconds": 10,
             "servers": [{"name": "one", "start": "\(binary) http-server --port {port}", "ready": "/plaintext"}],
             "scenarios": [{"name": "plaintext", "path": "/plaintext", "connections": 2, "duration": 3},
                           {"name": "fixed", "path": "/json", "connections": 2, "duration": 3, "rate": 100}]}
            """
        try config.write(toFile: folder + "/suite.json", atomically: true, encoding: .utf8)
        let history = folder + "/history.jsonl"
        let arguments = ["suite", "--config", folder + "/suite.json", "--in-process", "--no-build", "--duration-scale", "0.1"]

        // --no-history: nothing appended, no trend charts.
        let trial = try await Self.run(arguments + ["--out", folder + "/trial", "--no-history"])
        #expect(trial.status == 0, "\(trial.err)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/trial/trend-plaintext.svg"))

        let result = try await Self.run(arguments + ["--out", folder + "/out", "--history", history])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.contains("appended 2 lines to \(history)"))
        let (entries, warnings) = try BenchmarkHistory.read(path: history)
        #expect(warnings.isEmpty)
        #expect(entries.map(\.scenario) == ["plaintext", "fixed"])
        #expect(entries.allSatisfy { $0.source == "suite" && $0.server == "one" && $0.rps > 0 && $0.commit.count >= 7 })
        #expect(entries.last?.p99Milliseconds != nil)
        for name in ["trend-plaintext.svg", "trend-fixed.svg", "trend-fixed.p99_ms.svg"] {
            let svg = try String(contentsOfFile: folder + "/out/" + name, encoding: .utf8)
            let chart = try #require(TrendChartTests.Reader.read(svg), "\(name) is not well-formed")
            #expect(chart.pointCounts() == [1])
            #expect(chart.commitLabels == [entries[0].commitLabel])
        }
    }
}
