import Foundation
import Testing

@testable import ProntoBench

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("pronto-bench suite")
struct SuiteTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: Config

    @Test func defaultConfigParses() throws {
        let config = try SuiteConfiguration.load(path: Self.repoRoot.appendingPathComponent("Benchmarks/suite.json").path)
        #expect(config.servers.map(\.name) == ["limit", "nio-floor", "pronto-engine", "pronto", "nio-http1", "hummingbird"])
        #expect(config.scenarios.map(\.name) == ["plaintext", "pipelined-16", "pipelined-24", "json", "hello",
                                                 "apihour-4000rps", "apihour-peak", "apihour-10rps"])
        #expect(config.baseline == "limit")
        #expect(config.generatorCPU == 1)
        #expect(config.servers.allSatisfy { $0.cpu == 0 && $0.start.contains("{port}") })
        let fixed = config.scenarios.first { $0.name == "apihour-4000rps" }
        #expect(fixed?.rate == 4000 && fixed?.duration == 60 && fixed?.connections == 50)
        #expect(config.scenarios.first { $0.name == "pipelined-24" }?.pipeline == 24)
        #expect(config.scenarios.first { $0.name == "hello" }?.path == "/hello/world")
    }

    static func parseError(_ json: String) -> String? {
        do {
            _ = try SuiteConfiguration.parse(Data(json.utf8), source: "test.json")
            return nil
        } catch {
            return "\(error)"
        }
    }

    static let scenario = #"{"name": "p", "path": "/plaintext", "connections": 1, "duration": 1}"#

    @Test func badConfigsGiveClearErrors() {
        #expect(Self.parseError(#"{"servers": [{"name": "a"}], "scenarios": [\#(Self.scenario)]}"#)
            == #"invalid suite config test.json: missing field "start" in servers[0]"#)
        #expect(Self.parseError(#"{"servers": [{"name": "a", "start": "x"}], "scenarios": [\#(Self.scenario)]}"#)
            == "invalid suite config test.json: servers[0].start (a) has no {port} placeholder")
        #expect(Self.parseError(#"{"servers": [{"name": "a", "start": "x {port}"}], "scenarios": [{"name": "p", "path": "/", "connections": "many", "duration": 1}]}"#)?
            .hasPrefix("invalid suite config test.json: scenarios[0].connections: expected Int") == true)
        #expect(Self.parseError(#"{"servers": [{"name": "a", "start": "x {port}"}, {"name": "a", "start": "y {port}"}], "scenarios": [\#(Self.scenario)]}"#)
            == #"invalid suite config test.json: server name "a" appears twice"#)
        #expect(Self.parseError(#"{"baseline": "z", "servers": [{"name": "a", "start": "x {port}"}], "scenarios": [\#(Self.scenario)]}"#)
            == #"invalid suite config test.json: baseline "z" is not a server"#)
        #expect(Self.parseError(#"{"servers": [{"name": "a", "start": "x {port}"}], "scenarios": [{"name": "p", "path": "/", "connections": 1, "duration": 1, "pipeline": 0}]}"#)
            == "invalid suite config test.json: scenarios[0].pipeline (p) must be in 1...1024")
        #expect(Self.parseError(#"{"servers": [], "#)?.hasPrefix("invalid suite config test.json:") == true)
        #expect(Self.parseError(#"{"servers": [{"name": "a", "start": "x {port}"}], "scenarios": [\#(Self.scenario)]}"#) == nil)
    }

    // MARK: Reports from a fixed results value

    static func latency(_ p50: UInt64, _ p99: UInt64) -> LatencySummary {
        var h = LatencyRecorder(separateUncorrected: false).corrected
        h.record(p50, count: 50)
        h.record(p99, count: 49)
        h.record(p99 * 2, count: 1)
        return LatencySummary(h)
    }

    static let fixture = SuiteResults(
        timestamp: "2026-11-22T00:00:00Z", commit: "abc1234", generator: "test", durationScale: 0.1, warmupSeconds: 0.2,
        baseline: "limit",
        servers: [SuiteServer(name: "limit", start: "l {port}"), SuiteServer(name: "pronto", start: "p {port}"),
                  SuiteServer(name: "a<b>&c", start: "x {port}")],
        scenarios: [SuiteScenario(name: "plaintext", path: "/plaintext", connections: 100, duration: 1),
                    SuiteScenario(name: "fixed", path: "/json", connections: 50, duration: 6, rate: 4000)],
        results: [
            SuiteResult(server: "limit", scenario: "plaintext", requests: 100_000, durationSeconds: 1, requestsPerSecond: 100_000,
                        latency: latency(500, 1000), serverCPUMicrosPerRequest: 9.5),
            SuiteResult(server: "pronto", scenario: "plaintext", requests: 80_000, durationSeconds: 1, requestsPerSecond: 80_000,
                        latency: latency(600, 1500), serverCPUMicrosPerRequest: 12.25),
            SuiteResult(server: "a<b>&c", scenario: "plaintext", failure: "did not start | at all"),
            SuiteResult(server: "limit", scenario: "fixed", requests: 24_000, durationSeconds: 6, requestsPerSecond: 4000,
                        latency: latency(100, 400)),
            SuiteResult(server: "pronto", scenario: "fixed", requests: 24_000, durationSeconds: 6, requestsPerSecond: 4000,
                        latency: latency(120, 1200)),
            SuiteResult(server: "a<b>&c", scenario: "fixed", requests: 24_000, durationSeconds: 6, requestsPerSecond: 4000,
                        latency: latency(110, 800)),
        ])

    @Test func markdownTableHasRatiosToTheBaseline() throws {
        let md = Self.fixture.markdown()
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.first == "| scenario | server | req/s | req/s vs limit | p50 | p99 | p99.99 | p99 vs limit | server CPU µs/req | errors |")
        #expect(rows.count == 2 + 6)
        func cells(_ server: String, _ scenario: String) -> [String] {
            let row = rows.first { $0.hasPrefix("| \(scenario) | \(server) |") }!
            return row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(cells("limit", "plaintext")[3...4] == ["100,000", "1.000"])
        #expect(cells("pronto", "plaintext")[3...4] == ["80,000", "0.800"])
        #expect(cells("pronto", "plaintext")[9] == "12.25")
        #expect(cells("pronto", "fixed")[8] == "3.000")  // p99 1.2ms vs 400µs
        #expect(md.contains("| plaintext | a<b>&c | failed: did not start \\| at all |"))
        // The JSON round-trips.
        let decoded = try JSONDecoder().decode(SuiteResults.self, from: Data(try Self.fixture.json().utf8))
        #expect(decoded == Self.fixture)
    }

    /// Parses the SVG with XMLParser and counts elements by name and class.
    final class SVGCounter: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var texts: [String] = []
        var root: String?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if root == nil { root = name }
            elements[name, default: 0] += 1
            if let c = attributes["class"] { elements["\(name).\(c)", default: 0] += 1 }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }

        static func parse(_ svg: String) -> SVGCounter? {
            let counter = SVGCounter()
            let parser = XMLParser(data: Data(svg.utf8))
            parser.delegate = counter
            return parser.parse() ? counter : nil
        }
    }

    @Test func barChartIsWellFormedWithOneBarPerServer() throws {
        let svg = SuiteCharts.svg(Self.fixture, scenario: Self.fixture.scenarios[0])
        let parsed = try #require(SVGCounter.parse(svg), "not well-formed XML")
        #expect(parsed.root == "svg")
        #expect(parsed.elements["rect.bar"] == 2)  // limit and pronto
        #expect(parsed.elements["rect.bar failed"] == 1)  // the server that failed
        #expect(parsed.elements["text.title"] == 1 && parsed.elements["text.y-label"] == 1 && parsed.elements["text.x-label"] == 1)
        #expect(parsed.elements["g.legend"] == 1)
        let text = parsed.texts.joined()
        #expect(text.contains("plaintext: requests per second"))
        #expect(text.contains("a<b>&c"))  // escaped in the file, back after parsing
        #expect(text.contains("80k (×0.80)"))
    }

    @Test func fixedRateChartHasOneCurvePerServer() throws {
        let svg = SuiteCharts.svg(Self.fixture, scenario: Self.fixture.scenarios[1])
        let parsed = try #require(SVGCounter.parse(svg), "not well-formed XML")
        #expect(parsed.elements["polyline.curve"] == 3)
        #expect(parsed.elements["circle"] == 3 * 5)
        #expect(parsed.elements["rect.bar"] == nil)
        let text = parsed.texts.joined()
        for label in ["50%", "90%", "99%", "99.9%", "99.99%", "latency (ms)", "percentile"] {
            #expect(text.contains(label))
        }
    }

    @Test func niceTicks() {
        #expect(SuiteCharts.niceTicks(0).ticks == [0, 1])
        let (ticks, top) = SuiteCharts.niceTicks(123_456)
        #expect(ticks.first == 0 && top >= 123_456 && ticks.count <= 8)
        #expect(SuiteCharts.short(1_234_567) == "1.23M" && SuiteCharts.short(45_000) == "45k")
    }

    // MARK: End to end

    /// `pronto-bench`, built beside the test bundle by `swift build --build-tests`.
    static func prontoBenchBinary() -> String? {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("pronto-bench").path)
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pronto-bench").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("pronto-bench load takes wrk's and wrk2's flag forms: -c100 -d10s -t1 -R200 --latency")
    func wrkFlagForms() async throws {
        let binary = try #require(Self.prontoBenchBinary(), "pronto-bench not built beside the tests")
        let server = try await BenchHTTPServer.start()
        defer { Task { try? await server.shutdown() } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["load", "-c3", "-d500ms", "-t1", "-R100", "--latency", "--json", "http://127.0.0.1:\(server.port)/plaintext"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let waiting = UncheckedBox((process, pipe))
        let output = try await onOwnThread {
            let data = waiting.value.1.fileHandleForReading.readDataToEndOfFile()
            waiting.value.0.waitUntilExit()
            return data
        }
        #expect(process.terminationStatus == 0)
        let report = try JSONDecoder().decode(LoadReport.self, from: output)
        #expect(report.connections == 3 && report.threads == 1 && report.rate == 100)
        #expect(abs(report.durationSeconds - 0.5) < 0.3)
        #expect(report.requests > 0 && report.errors.total == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func shortSuiteRunAgainstAServerProcess() async throws {
        let binary = try #require(Self.prontoBenchBinary(), "pronto-bench not built beside the tests")
        let config = SuiteConfiguration(
            warmupSeconds: 0.2, startupTimeoutSeconds: 10, baseline: "one",
            servers: [SuiteServer(name: "one", start: "\(binary) http-server --port {port}", ready: "/plaintext"),
                      SuiteServer(name: "broken", start: "sh -c 'exit 3' {port}"),
                      SuiteServer(name: "two", start: "\(binary) http-server --port {port}")],
            scenarios: [SuiteScenario(name: "plaintext", path: "/plaintext", connections: 4, duration: 0.5),
                        SuiteScenario(name: "fixed", path: "/json", connections: 2, duration: 0.5, rate: 200)])
        var options = SuiteOptions()
        options.durationScale = 2  // 1-second scenarios
        let out = NSTemporaryDirectory() + "pronto-suite-test-\(getpid())"
        options.logDirectory = out + "/logs"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let started = Date()
        let results = try await SuiteRunner.run(config, options: options)
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(results.scenarios.map(\.duration) == [1, 1])
        #expect(results.results.count == 6)
        for server in ["one", "two"] {
            let plain = try #require(results.result(server: server, scenario: "plaintext"))
            #expect(plain.failure == nil)
            #expect(plain.requests > 100 && plain.errors.total == 0)
            #expect(plain.serverCPUMicrosPerRequest != nil)
            let fixed = try #require(results.result(server: server, scenario: "fixed"))
            #expect(fixed.failure == nil && fixed.errors.total == 0)
            #expect(abs(fixed.requestsPerSecond - 200) < 30)
        }
        let broken = try #require(results.result(server: "broken", scenario: "plaintext"))
        #expect(broken.failure?.contains("exited with status 3 during startup") == true)
        // Every process the suite started was stopped.
        #expect(SuiteRunner.activePIDs.withLock { $0.isEmpty })

        let paths = try SuiteRunner.write(results, to: out)
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["results.json", "results.md", "plaintext.svg", "fixed.svg"])
        for svg in paths where svg.hasSuffix(".svg") {
            #expect(SVGCounter.parse(try String(contentsOfFile: svg, encoding: .utf8)) != nil)
        }
        #expect(try String(contentsOfFile: out + "/results.md", encoding: .utf8).contains("| plaintext | two |"))
    }

    @Test func unknownNamesAreRejected() async throws {
        let config = SuiteConfiguration(servers: [SuiteServer(name: "a", start: "x {port}")],
                                        scenarios: [SuiteScenario(name: "p", path: "/", connections: 1, duration: 1)])
        var options = SuiteOptions()
        options.servers = ["b"]
        await #expect(throws: SuiteError.unknownName("server", "b", ["a"])) {
            _ = try await SuiteRunner.run(config, options: options)
        }
        options.servers = nil
        options.baseline = "z"
        await #expect(throws: SuiteError.unknownName("baseline server", "z", ["a"])) {
            _ = try await SuiteRunner.run(config, options: options)
        }
    }
}
