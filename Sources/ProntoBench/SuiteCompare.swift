import Foundation

/// `pronto-bench suite --compare REV`: Pronto built at another git revision runs beside the
/// working tree's build in the same suite run, and the change per scenario gets a verdict only
/// when it is beyond the noise measured between repeated runs.
public enum SuiteCompare {
    /// Where the other revision is checked out and built, all under `<repo>/.build-compare/`
    /// (a `.build-` folder, so gitignored).
    public struct Paths: Equatable, Sendable {
        public var repository: String
        public var rev: String
        /// `<repo>/.build-compare/<rev, file-safe>`.
        public var folder: String { "\(repository)/.build-compare/\(SuiteCompare.fileSafe(rev))" }
        /// The git worktree (removed after the run).
        public var worktree: String { "\(folder)/src" }
        /// SwiftPM's scratch path, beside the worktree so it outlives it (the next compare
        /// against the same REV builds incrementally).
        public var scratch: String { "\(folder)/scratch" }
        /// The other revision's `hello`.
        public var binary: String { "\(scratch)/release/hello" }

        public init(repository: String, rev: String) {
            self.repository = repository
            self.rev = rev
        }

        /// Clears a worktree a previous run left behind (failure ignored).
        public var cleanupCommands: [[String]] {
            [["git", "-C", repository, "worktree", "remove", "--force", worktree],
             ["git", "-C", repository, "worktree", "prune"],
             ["rm", "-rf", worktree]]
        }

        /// `git -C <repo> worktree add --detach --force <folder>/src REV`.
        public var worktreeAddCommand: [String] {
            ["git", "-C", repository, "worktree", "add", "--detach", "--force", worktree, rev]
        }

        /// `git -C <repo> worktree remove --force <folder>/src` (after the run).
        public var worktreeRemoveCommand: [String] {
            ["git", "-C", repository, "worktree", "remove", "--force", worktree]
        }

        /// `nice -n 10 swift build -c release --product hello --package-path <src> --scratch-path <scratch>`.
        public var buildCommand: [String] {
            ["nice", "-n", "10", "swift", "build", "-c", "release", "--product", "hello",
             "--package-path", worktree, "--scratch-path", scratch]
        }
    }

    /// Name of the twin of `server` that runs REV's build.
    public static func twinName(_ server: String, rev: String) -> String { "\(server)@\(rev)" }

    /// Letters, digits, `-`, `_`, `.` kept, anything else (`/`, `~`, `^`, `@` …) becomes `_`.
    public static func fileSafe(_ name: String) -> String {
        String(name.unicodeScalars.map { s -> Character in
            ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || "-_.".unicodeScalars.contains(s)
                ? Character(s) : "_"
        })
    }

    /// The repository's `hello` as a start command names it.
    static let helloPaths: Set<String> = [".build/release/hello", "./.build/release/hello"]

    /// Whether `server` starts the repository's own `hello` (`pronto`, `pronto-engine`): its
    /// start command's first word is `.build/release/hello`.
    public static func runsRepositoryHello(_ server: SuiteServer) -> Bool {
        guard let first = server.start.split(separator: " ", omittingEmptySubsequences: true).first else { return false }
        return helloPaths.contains(String(first))
    }

    /// For every server that runs the repository's `hello`, a twin `NAME@REV` whose start
    /// command runs `binary` instead (same arguments, CPU and ready check; nothing to build:
    /// the compare build makes it).
    public static func twins(of servers: [SuiteServer], rev: String, binary: String) -> [SuiteServer] {
        servers.filter(runsRepositoryHello).map { server in
            var words = server.start.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let index = words.firstIndex { !$0.isEmpty }!
            words[index] = shellQuote(binary)
            var twin = server
            twin.name = twinName(server.name, rev: rev)
            twin.start = words.joined(separator: " ")
            twin.build = nil
            return twin
        }
    }

    /// The servers with each twin right after its original.
    public static func interleave(_ servers: [SuiteServer], twins: [SuiteServer], rev: String) -> [SuiteServer] {
        servers.flatMap { server in
            [server] + twins.filter { $0.name == twinName(server.name, rev: rev) }
        }
    }

    /// Run order for repeat `index` (0-based): on odd repeats each original and its twin swap
    /// places, so neither side always goes first (thermal state, page cache, background load).
    public static func runOrder(_ servers: [SuiteServer], rev: String?, repeatIndex: Int) -> [SuiteServer] {
        guard let rev, repeatIndex % 2 == 1 else { return servers }
        var order = servers
        var i = 0
        while i + 1 < order.count {
            if order[i + 1].name == twinName(order[i].name, rev: rev) {
                order.swapAt(i, i + 1)
                i += 2
            } else {
                i += 1
            }
        }
        return order
    }

    /// `'…'` quoting for /bin/sh when needed.
    public static func shellQuote(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./=:@+,".unicodeScalars.contains($0)
        }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    public static func shellCommand(_ argv: [String]) -> String {
        argv.map(shellQuote).joined(separator: " ")
    }

    // MARK: Verdict

    /// Relative spread of repeated measurements: (max − min) / mean; nil with fewer than 2.
    public static func spread(_ values: [Double]) -> Double? {
        guard values.count >= 2, let lo = values.min(), let hi = values.max() else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard mean > 0 else { return nil }
        return (hi - lo) / mean
    }

    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Change of `other` (REV) relative to `current` (working tree), the noise (the larger
    /// relative spread between either side's repeats) and the verdict: faster/slower only
    /// when |change| exceeds the noise.
    public static func judge(current: [Double], other: [Double], higherIsBetter: Bool) -> SuiteComparison.Metric? {
        guard let a = mean(current), let b = mean(other), a > 0 else { return nil }
        let change = b / a - 1
        let noise: Double?
        if let s1 = spread(current), let s2 = spread(other) { noise = max(s1, s2) } else { noise = nil }
        let verdict: SuiteVerdict
        if let noise {
            if abs(change) > noise {
                verdict = (change > 0) == higherIsBetter ? .faster : .slower
            } else {
                verdict = .withinNoise
            }
        } else {
            verdict = .noiseNotMeasured
        }
        return SuiteComparison.Metric(current: a, other: b, change: change, noise: noise, verdict: verdict)
    }

    /// One comparison per scenario and original/twin pair, from all the repeats in `runs`.
    public static func comparisons(runs: [SuiteResult], servers: [SuiteServer], scenarios: [SuiteScenario],
                                   rev: String) -> [SuiteComparison] {
        var out: [SuiteComparison] = []
        for scenario in scenarios {
            for server in servers {
                let twin = twinName(server.name, rev: rev)
                guard servers.contains(where: { $0.name == twin }) else { continue }
                func ok(_ name: String) -> [SuiteResult] {
                    runs.filter { $0.server == name && $0.scenario == scenario.name && $0.failure == nil }
                }
                let mine = ok(server.name), theirs = ok(twin)
                guard let rps = judge(current: mine.map(\.requestsPerSecond), other: theirs.map(\.requestsPerSecond),
                                      higherIsBetter: true) else { continue }
                let p99 = judge(current: mine.compactMap { $0.latency.map { Double($0.p99) } },
                                other: theirs.compactMap { $0.latency.map { Double($0.p99) } }, higherIsBetter: false)
                out.append(SuiteComparison(scenario: scenario.name, server: server.name, other: twin,
                                           runs: min(mine.count, theirs.count), requestsPerSecond: rps, p99: p99))
            }
        }
        return out
    }
}

/// What a comparison concludes.
public enum SuiteVerdict: String, Codable, Equatable, Sendable {
    case faster
    case slower
    case withinNoise = "within noise"
    /// Fewer than two successful runs on a side (`--repeat 1`): no noise to compare with.
    case noiseNotMeasured = "noise not measured"
}

/// REV's build against the working tree's, one server and scenario.
public struct SuiteComparison: Codable, Equatable, Sendable {
    public struct Metric: Codable, Equatable, Sendable {
        /// Mean over the repeats, working tree.
        public var current: Double
        /// Mean over the repeats, REV.
        public var other: Double
        /// other / current − 1 (+0.05: REV's figure is 5 % higher).
        public var change: Double
        /// Larger relative spread (max − min over mean) between the repeats of either side.
        public var noise: Double?
        public var verdict: SuiteVerdict

        public init(current: Double, other: Double, change: Double, noise: Double?, verdict: SuiteVerdict) {
            self.current = current
            self.other = other
            self.change = change
            self.noise = noise
            self.verdict = verdict
        }
    }

    public var scenario: String
    /// The working tree's server, e.g. `pronto`.
    public var server: String
    /// Its twin, e.g. `pronto@HEAD~1`.
    public var other: String
    /// Successful runs per side (the smaller count).
    public var runs: Int
    /// Higher is faster.
    public var requestsPerSecond: Metric
    /// µs; lower is faster (the one to read in fixed-rate scenarios).
    public var p99: Metric?

    public init(scenario: String, server: String, other: String, runs: Int, requestsPerSecond: Metric, p99: Metric?) {
        self.scenario = scenario
        self.server = server
        self.other = other
        self.runs = runs
        self.requestsPerSecond = requestsPerSecond
        self.p99 = p99
    }
}
