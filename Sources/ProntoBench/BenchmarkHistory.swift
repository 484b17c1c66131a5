import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of the benchmark history (`Benchmarks/results/history.jsonl`): what one server did in
/// one scenario of one run, at one commit. `Benchmarks/run.sh`, `pronto-bench suite` and the other
/// benchmark scripts append these lines; `pronto-bench trend` charts them.
public struct BenchmarkHistoryEntry: Codable, Equatable, Sendable {
    /// `git rev-parse --short HEAD` of the measured tree.
    public var commit: String
    /// Whether the tree differed from `commit` (changed or untracked files outside `Benchmarks/results`).
    public var dirty: Bool
    /// When the run was made, ISO 8601 (`2026-12-07T11:30:00Z`).
    public var date: String
    /// What measured it: `run.sh`, `suite`, `echo.sh`, …
    public var source: String
    /// The server's name, as the source calls it.
    public var server: String
    /// The scenario's name, as the source calls it.
    public var scenario: String
    /// Requests (or messages) per second.
    public var rps: Double
    /// Server CPU µs per request (`cpu_us`), nil when unknown.
    public var cpuMicros: Double?
    /// p99 latency in ms (`p99_ms`, optional), nil when not measured.
    public var p99Milliseconds: Double?

    enum CodingKeys: String, CodingKey {
        case commit, dirty, date, source, server, scenario, rps
        case cpuMicros = "cpu_us", p99Milliseconds = "p99_ms"
    }

    /// An entry with every field given.
    public init(commit: String, dirty: Bool = false, date: String, source: String, server: String, scenario: String,
                rps: Double, cpuMicros: Double? = nil, p99Milliseconds: Double? = nil) {
        self.commit = commit
        self.dirty = dirty
        self.date = date
        self.source = source
        self.server = server
        self.scenario = scenario
        self.rps = rps
        self.cpuMicros = cpuMicros
        self.p99Milliseconds = p99Milliseconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        commit = try c.decode(String.self, forKey: .commit)
        dirty = try c.decodeIfPresent(Bool.self, forKey: .dirty) ?? false
        date = try c.decodeIfPresent(String.self, forKey: .date) ?? ""
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? ""
        server = try c.decode(String.self, forKey: .server)
        scenario = try c.decode(String.self, forKey: .scenario)
        rps = try c.decode(Double.self, forKey: .rps)
        cpuMicros = try c.decodeIfPresent(Double.self, forKey: .cpuMicros)
        p99Milliseconds = try c.decodeIfPresent(Double.self, forKey: .p99Milliseconds)
    }

    /// The commit as charts label it: the short hash, with `+` when the tree was dirty.
    public var commitLabel: String { dirty ? commit + "+" : commit }

    /// The history line (no newline), keys in the documented order; `p99_ms` only when known.
    public var line: String {
        var fields = ["\"commit\":\(Self.string(commit))", "\"dirty\":\(dirty)", "\"date\":\(Self.string(date))",
                      "\"source\":\(Self.string(source))", "\"server\":\(Self.string(server))",
                      "\"scenario\":\(Self.string(scenario))", "\"rps\":\(Self.number(rps, places: 1))",
                      "\"cpu_us\":\(cpuMicros.map { Self.number($0, places: 2) } ?? "null")"]
        if let p99Milliseconds { fields.append("\"p99_ms\":\(Self.number(p99Milliseconds, places: 3))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// A JSON number rounded to `places` decimals (`148382.0`), or `null` when not finite.
    static func number(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "null" }
        let scale = pow(10, Double(places))
        return "\((value * scale).rounded() / scale)"
    }

    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Reading and appending the benchmark history, and what a suite run contributes to it.
public enum BenchmarkHistory {
    /// The history's place in the repository.
    public static let defaultRelativePath = "Benchmarks/results/history.jsonl"

    /// Suite runs with a shorter `--duration-scale` are trial runs: not appended unless the
    /// history file is named explicitly.
    public static let shortDurationScale = 0.5

    /// Parses history lines. Blank lines are ignored; a malformed line is skipped with a warning
    /// naming `file` and its 1-based line number.
    public static func parse(_ text: String, file: String = "history") -> (entries: [BenchmarkHistoryEntry], warnings: [String]) {
        var entries: [BenchmarkHistoryEntry] = []
        var warnings: [String] = []
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                entries.append(try decoder.decode(BenchmarkHistoryEntry.self, from: Data(trimmed.utf8)))
            } catch {
                warnings.append("\(file):\(index + 1): skipped malformed history line (\(reason(error))): \(trimmed.prefix(80))")
            }
        }
        return (entries, warnings)
    }

    /// Reads the history at `path`; a missing file is an empty history.
    public static func read(path: String) throws -> (entries: [BenchmarkHistoryEntry], warnings: [String]) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], []) }
        return parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    /// Appends one line per entry to `path` in one write (O_APPEND, so concurrent writers do not
    /// interleave lines), creating the file and its folder when missing.
    public static func append(_ entries: [BenchmarkHistoryEntry], to path: String) throws {
        guard !entries.isEmpty else { return }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var text = entries.map { $0.line + "\n" }.joined()
        if endsWithoutNewline(path) { text = "\n" + text }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw WriteError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = text.withCString { write(fd, $0, strlen($0)) }
        guard written == text.utf8.count else { throw WriteError(description: "cannot append to \(path): \(String(cString: strerror(errno)))") }
    }

    /// The history file could not be opened or written.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        /// What failed, with the path and the system's reason.
        public var description: String
    }

    static func endsWithoutNewline(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size > 0 else { return false }
        try? handle.seek(toOffset: size - 1)
        return (try? handle.read(upToCount: 1)) != Data("\n".utf8)
    }

    /// The entries of a suite run (source `suite`): one per server and scenario that did not fail
    /// (the median run with `--repeat`); `--compare`'s twins are left out (another commit's build,
    /// run for the comparison). None when the run's commit is unknown.
    public static func entries(from results: SuiteResults, dirty: Bool, source: String = "suite") -> [BenchmarkHistoryEntry] {
        guard let commit = results.commit else { return [] }
        return results.results.compactMap { r in
            guard r.failure == nil, r.requests > 0 else { return nil }
            if let rev = results.compare, r.server.hasSuffix("@" + rev) { return nil }
            return BenchmarkHistoryEntry(commit: commit, dirty: dirty, date: results.timestamp, source: source,
                                         server: r.server, scenario: r.scenario, rps: r.requestsPerSecond,
                                         cpuMicros: r.serverCPUMicrosPerRequest,
                                         p99Milliseconds: r.latency.map { Double($0.p99) / 1000 })
        }
    }

    /// Whether a suite run goes into the history.
    public enum Decision: Equatable, Sendable {
        /// Append it.
        case append
        /// `--no-history`.
        case disabled
        /// A trial run (`--duration-scale` below ``shortDurationScale``, no explicit `--history`).
        case shortRun
    }

    /// The suite's rule: `--no-history` never appends; an explicit `--history FILE` always does;
    /// otherwise runs at `--duration-scale` ≥ 0.5 do.
    public static func decision(durationScale: Double, explicitFile: Bool, disabled: Bool) -> Decision {
        if disabled { return .disabled }
        if explicitFile || durationScale >= shortDurationScale { return .append }
        return .shortRun
    }

    /// Whether `directory`'s repository differs from HEAD: changed or untracked files, as
    /// `git status --porcelain` lists them, `Benchmarks/results` (where results and the history
    /// itself are written) aside; nil when git cannot tell.
    public static func gitDirty(in directory: String) -> Bool? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory, "status", "--porcelain", "--",
                             ":(top)", ":(top,exclude)Benchmarks/results"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return !data.allSatisfy { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: " ") }
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no \"\(key.stringValue)\""
        case DecodingError.valueNotFound(_, let context): return "\"\(path(context))\" is null"
        case DecodingError.typeMismatch(_, let context): return "\"\(path(context))\" has the wrong type"
        case DecodingError.dataCorrupted: return "not a JSON object"
        default: return "\(error)"
        }
    }

    static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
