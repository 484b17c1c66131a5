import Foundation
import Testing

@testable import ProntoBench

@Suite("benchmark history")
struct BenchmarkHistoryTests {
    static let sample = #"{"commit":"abc1234","dirty":false,"date":"2026-12-07T11:30:00Z","source":"run.sh","server":"pronto","scenario":"plaintext","rps":148382.0,"cpu_us":6.67}"#

    static func temporaryFolder(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "pronto-history-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func lineHasTheDocumentedShapeAndRoundTrips() throws {
        let entry = BenchmarkHistoryEntry(commit: "abc1234", date: "2026-12-07T11:30:00Z", source: "run.sh",
                                          server: "pronto", scenario: "plaintext", rps: 148_382, cpuMicros: 6.67)
        #expect(entry.line == Self.sample)
        let (entries, warnings) = BenchmarkHistory.parse(entry.line)
        #expect(entries == [entry] && warnings.isEmpty)

        let other = BenchmarkHistoryEntry(commit: "def5678", dirty: true, date: "2026-12-07T12:00:00Z", source: "su\"ite",
                                          server: "a\\b", scenario: "fixed", rps: 4000.04, cpuMicros: nil, p99Milliseconds: 1.25)
        #expect(other.line.contains(#""dirty":true"#) && other.line.contains(#""cpu_us":null"#) && other.line.hasSuffix(#""p99_ms":1.25}"#))
        #expect(BenchmarkHistory.parse(other.line).entries == [BenchmarkHistoryEntry(
            commit: "def5678", dirty: true, date: "2026-12-07T12:00:00Z", source: "su\"ite", server: "a\\b", scenario: "fixed",
            rps: 4000.0, p99Milliseconds: 1.25)])
        #expect(other.commitLabel == "def5678+" && entry.commitLabel == "abc1234")
    }

    @Test func extraKeysAreIgnored() {
        let line = #"{"commit":"abc1234","dirty":false,"date":"d","source":"echo.sh","server":"go","scenario":"echo-1k","rps":5.0,"cpu_us":null,"p99_ms":0.5,"size":1024}"#
        let (entries, warnings) = BenchmarkHistory.parse(line)
        #expect(warnings.isEmpty)
        #expect(entries.first?.p99Milliseconds == 0.5 && entries.first?.cpuMicros == nil && entries.first?.source == "echo.sh")
    }

    @Test func malformedLinesAreSkippedWithTheirLineNumber() {
        let text = [Self.sample, "{not json", "", #"{"commit":"x","server":"s","scenario":"p"}"#,
                    #"{"commit":"x","server":"s","scenario":"p","rps":"fast"}"#, Self.sample].joined(separator: "\n")
        let (entries, warnings) = BenchmarkHistory.parse(text, file: "h.jsonl")
        #expect(entries.count == 2)
        #expect(warnings.count == 3)
        #expect(warnings[0].hasPrefix("h.jsonl:2: ") && warnings[0].contains("not a JSON object"))
        #expect(warnings[1].hasPrefix("h.jsonl:4: ") && warnings[1].contains("no \"rps\""))
        #expect(warnings[2].hasPrefix("h.jsonl:5: ") && warnings[2].contains("\"rps\" has the wrong type"))
    }

    @Test func appendCreatesTheFileAndAddsLines() throws {
        let folder = Self.temporaryFolder("append")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/nested/history.jsonl"
        let entry = try #require(BenchmarkHistory.parse(Self.sample).entries.first)
        #expect(try BenchmarkHistory.read(path: path).entries.isEmpty)  // missing: empty
        try BenchmarkHistory.append([entry], to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.sample + "\n")
        // A file another writer left without its last newline gets one before the new lines.
        try (Self.sample + "\n" + Self.sample).write(toFile: path, atomically: true, encoding: .utf8)
        try BenchmarkHistory.append([entry, entry], to: path)
        let (entries, warnings) = try BenchmarkHistory.read(path: path)
        #expect(entries.count == 4 && warnings.isEmpty)
    }

    @Test func suiteRunsGiveOneEntryPerSuccessfulResult() {
        let latency = SuiteTests.latency(500, 2500)
        let results = SuiteResults(
            timestamp: "2026-12-07T11:30:00Z", commit: "abc1234", generator: "g", durationScale: 1, warmupSeconds: 2,
            baseline: "limit", servers: [], scenarios: [],
            results: [SuiteResult(server: "limit", scenario: "plaintext", requests: 1000, durationSeconds: 1, requestsPerSecond: 1000,
                                  latency: latency,
                                  serverCPUMicrosPerRequest: 7.5),
                      SuiteResult(server: "pronto", scenario: "plaintext", failure: "did not start"),
                      SuiteResult(server: "pronto@HEAD~1", scenario: "plaintext", requests: 10, durationSeconds: 1, requestsPerSecond: 10)],
            compare: "HEAD~1")
        let entries = BenchmarkHistory.entries(from: results, dirty: true)
        #expect(entries == [BenchmarkHistoryEntry(commit: "abc1234", dirty: true, date: "2026-12-07T11:30:00Z", source: "suite",
                                                  server: "limit", scenario: "plaintext", rps: 1000, cpuMicros: 7.5, p99Milliseconds: Double(latency.p99) / 1000)])
        var unknown = results
        unknown.commit = nil
        #expect(BenchmarkHistory.entries(from: unknown, dirty: false).isEmpty)
    }

    @Test func shortSuiteRunsAreNotAppendedUnlessTheFileIsNamed() {
        #expect(BenchmarkHistory.decision(durationScale: 1, explicitFile: false, disabled: false) == .append)
        #expect(BenchmarkHistory.decision(durationScale: 0.5, explicitFile: false, disabled: false) == .append)
        #expect(BenchmarkHistory.decision(durationScale: 0.1, explicitFile: false, disabled: false) == .shortRun)
        #expect(BenchmarkHistory.decision(durationScale: 0.1, explicitFile: true, disabled: false) == .append)
        #expect(BenchmarkHistory.decision(durationScale: 1, explicitFile: true, disabled: true) == .disabled)
    }

    @Test func gitDirtyReadsTheRepository() {
        #expect(BenchmarkHistory.gitDirty(in: SuiteTests.repoRoot.path) != nil)
        #expect(BenchmarkHistory.gitDirty(in: "/nonexistent-\(getpid())") == nil)
    }
}
