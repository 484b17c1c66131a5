import Foundation
import Testing

@testable import ProntoBench

@Suite("pronto-bench suite --compare")
struct SuiteCompareTests {
    // MARK: Verdict on fixed numbers

    @Test func changeBeyondNoiseIsFasterOrSlower() throws {
        // Working tree 100k ±1 %, REV 110k ±1 %: +10 % against a noise of ~2 %.
        let up = try #require(SuiteCompare.judge(current: [99_000, 101_000], other: [109_000, 111_000], higherIsBetter: true))
        #expect(abs(up.change - 0.10) < 1e-9)
        let upNoise = try #require(up.noise)
        #expect(abs(upNoise - 0.02) < 1e-3)
        #expect(up.verdict == .faster)
        let down = try #require(SuiteCompare.judge(current: [109_000, 111_000], other: [99_000, 101_000], higherIsBetter: true))
        #expect(down.verdict == .slower)
        // Latency: lower is faster.
        let p99Down = try #require(SuiteCompare.judge(current: [1000, 1010], other: [800, 805], higherIsBetter: false))
        #expect(p99Down.verdict == .faster)
        let p99Up = try #require(SuiteCompare.judge(current: [800, 805], other: [1000, 1010], higherIsBetter: false))
        #expect(p99Up.verdict == .slower)
    }

    @Test func changeWithinNoiseIsWithinNoise() throws {
        // +3 % change, but REV's own runs differ by ~10 %.
        let m = try #require(SuiteCompare.judge(current: [100_000, 100_000], other: [98_000, 108_000], higherIsBetter: true))
        #expect(abs(m.change - 0.03) < 1e-9)
        #expect(m.verdict == .withinNoise)
        // Exactly at the noise is not beyond it.
        let edge = try #require(SuiteCompare.judge(current: [90, 110], other: [110, 130], higherIsBetter: true))
        let edgeNoise = try #require(edge.noise)
        #expect(abs(edge.change - 0.2) < 1e-9 && abs(edgeNoise - 0.2) < 1e-9)
        #expect(edge.verdict == .withinNoise)
        // One run per side: no noise, no verdict.
        #expect(SuiteCompare.judge(current: [100], other: [200], higherIsBetter: true)?.verdict == .noiseNotMeasured)
        #expect(SuiteCompare.judge(current: [], other: [200], higherIsBetter: true) == nil)
        #expect(SuiteCompare.spread([1]) == nil)
    }

    @Test func comparisonsFromRunsAndTheirMarkdown() throws {
        let scenario = SuiteScenario(name: "plaintext", path: "/plaintext", connections: 10, duration: 1)
        let servers = [SuiteServer(name: "pronto", start: ".build/release/hello --port {port}"),
                       SuiteServer(name: "pronto@HEAD~1", start: "/x/hello --port {port}")]
        func r(_ server: String, _ rps: Double, _ p99: UInt64, _ run: Int) -> SuiteResult {
            SuiteResult(server: server, scenario: "plaintext", requests: Int(rps), durationSeconds: 1, requestsPerSecond: rps,
                        latency: SuiteTests.latency(p99 / 2, p99),
                        run: run)
        }
        let runs = [r("pronto", 100_000, 1000, 1), r("pronto@HEAD~1", 80_000, 1500, 1),
                    r("pronto@HEAD~1", 81_000, 1490, 2), r("pronto", 101_000, 1002, 2)]
        let comparisons = SuiteCompare.comparisons(runs: runs, servers: servers, scenarios: [scenario], rev: "HEAD~1")
        let c = try #require(comparisons.first)
        #expect(comparisons.count == 1 && c.server == "pronto" && c.other == "pronto@HEAD~1" && c.runs == 2)
        #expect(c.requestsPerSecond.verdict == .slower && c.p99?.verdict == .slower)
        let results = SuiteResults(timestamp: "t", commit: "abc1234", generator: "g", durationScale: 1, warmupSeconds: 0,
                                   baseline: "pronto", servers: servers, scenarios: [scenario], results: [runs[0], runs[1]],
                                   repeats: 2, runs: runs, compare: "HEAD~1", compareCommit: "def5678", comparisons: comparisons)
        let md = results.markdown()
        #expect(md.contains("## `HEAD~1` (def5678) vs the working tree (abc1234)"))
        #expect(md.contains("| plaintext | pronto | 100,500 | 80,500 | -19.9% | ±1.2% | slower |"))
        // Round-trips through the results JSON.
        let decoded = try JSONDecoder().decode(SuiteResults.self, from: Data(try results.json().utf8))
        #expect(decoded == results)
        let json = try results.json()
        #expect(json.contains("\"verdict\" : \"slower\""))
    }

    // MARK: Twins

    @Test func twinsRunTheOtherBuildOfTheRepositorysHello() throws {
        let config = try SuiteConfiguration.load(path: SuiteTests.repoRoot.appendingPathComponent("Benchmarks/suite.json").path)
        let paths = SuiteCompare.Paths(repository: "/work/main", rev: "HEAD~1")
        let twins = SuiteCompare.twins(of: config.servers, rev: "HEAD~1", binary: paths.binary)
        #expect(twins.map(\.name) == ["pronto-engine@HEAD~1", "pronto@HEAD~1"])
        let engine = try #require(config.servers.first { $0.name == "pronto-engine" })
        #expect(twins[0].start == "/work/main/.build-compare/HEAD_1/scratch/release/hello --engine --host 127.0.0.1 --port {port} --threads 1")
        #expect(twins[0].build == nil && twins[0].cpu == engine.cpu && twins[0].ready == engine.ready)
        let all = SuiteCompare.interleave(config.servers, twins: twins, rev: "HEAD~1")
        #expect(all.map(\.name) == ["limit", "nio-floor", "pronto-engine", "pronto-engine@HEAD~1", "pronto", "pronto@HEAD~1", "nio-http1", "hummingbird"])
        // Alternating order: odd repeats run the twin first.
        #expect(SuiteCompare.runOrder(all, rev: "HEAD~1", repeatIndex: 0).map(\.name) == all.map(\.name))
        #expect(SuiteCompare.runOrder(all, rev: "HEAD~1", repeatIndex: 1).map(\.name)
            == ["limit", "nio-floor", "pronto-engine@HEAD~1", "pronto-engine", "pronto@HEAD~1", "pronto", "nio-http1", "hummingbird"])
        // Only the repository's own hello gets a twin; a path with a space is quoted.
        let other = [SuiteServer(name: "peer", start: "Benchmarks/Peers/.build/release/nio-http1 --port {port}"),
                     SuiteServer(name: "mine", start: "./.build/release/hello --port {port}")]
        let quoted = SuiteCompare.twins(of: other, rev: "v1", binary: "/a b/hello")
        #expect(quoted.map(\.name) == ["mine@v1"])
        #expect(quoted[0].start == "'/a b/hello' --port {port}")
    }

    // MARK: Worktree commands

    @Test func worktreeAndBuildCommands() {
        let paths = SuiteCompare.Paths(repository: "/repo", rev: "origin/main")
        #expect(paths.folder == "/repo/.build-compare/origin_main")
        #expect(paths.worktreeAddCommand == ["git", "-C", "/repo", "worktree", "add", "--detach", "--force",
                                             "/repo/.build-compare/origin_main/src", "origin/main"])
        #expect(paths.worktreeRemoveCommand == ["git", "-C", "/repo", "worktree", "remove", "--force",
                                                "/repo/.build-compare/origin_main/src"])
        #expect(paths.buildCommand == ["nice", "-n", "10", "swift", "build", "-c", "release", "--product", "hello",
                                       "--package-path", "/repo/.build-compare/origin_main/src",
                                       "--scratch-path", "/repo/.build-compare/origin_main/scratch"])
        #expect(paths.binary == "/repo/.build-compare/origin_main/scratch/release/hello")
        #expect(SuiteCompare.shellCommand(["git", "worktree", "add", "HEAD~1", "it's"]) == #"git worktree add 'HEAD~1' 'it'\''s'"#)
        #expect(SuiteCompare.fileSafe("pronto@HEAD~1") == "pronto_HEAD_1")
    }
}
