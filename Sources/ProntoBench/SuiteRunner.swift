import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How `SuiteRunner` applies a scenario's load.
public enum SuiteGenerator: Sendable {
    /// `LoadRunner.run` in this process, not pinned (tests, quick runs).
    case inProcess
    /// Re-executes `executable load URL … --json` under `taskset -c generatorCPU` (the CLI's
    /// way: the generator gets its own CPU and none of the suite's own threads).
    case subprocess(executable: String)
}

/// What `pronto-bench suite` was asked for on the command line.
public struct SuiteOptions: Sendable {
    /// Subsets by name (nil: all, in config order).
    public var servers: [String]?
    public var scenarios: [String]?
    /// Server to divide by; default the config's `baseline`, else the first server.
    public var baseline: String?
    /// Multiplies every scenario's duration and the warm-up (0.1 for CI).
    public var durationScale: Double = 1
    /// Runs the servers' build commands first.
    public var build = true
    public var generator: SuiteGenerator = .inProcess
    /// The config file's folder: `workingDirectory` is relative to it.
    public var configDirectory: String = "."
    /// Where server and build logs go (nil: a temporary folder).
    public var logDirectory: String?
    /// `--compare REV`: build Pronto at REV in `<repo>/.build-compare/` and run a twin
    /// `NAME@REV` of every server that runs the repository's `hello`.
    public var compare: String?
    /// `--repeat N`: runs of each server and scenario (nil: 2 with `compare`, else 1).
    public var repeats: Int?
    /// Progress messages (to stderr in the CLI).
    public var log: @Sendable (String) -> Void = { _ in }

    public init() {}
}

/// Runs a suite: each server in turn is built, started pinned to its CPU, checked, loaded with
/// every scenario (warm-up first) and stopped by PID, whatever happens.
public enum SuiteRunner {
    /// PIDs of the processes the suite started and has not stopped yet.
    public static let activePIDs = Mutex<Set<Int32>>([])

    /// Sends SIGTERM to every process the suite started and has not stopped (for the CLI's
    /// SIGINT/SIGTERM handler).
    public static func terminateActiveProcesses() {
        for pid in activePIDs.withLock({ $0 }) { kill(pid, SIGTERM) }
    }

    public static func run(_ config: SuiteConfiguration, options: SuiteOptions) async throws -> SuiteResults {
        try config.validate()
        guard options.durationScale > 0 else { throw SuiteError.invalidConfig("--duration-scale", "must be positive") }
        var servers = try select(config.servers, options.servers, kind: "server", name: \.name)
        var scenarios = try select(config.scenarios, options.scenarios, kind: "scenario", name: \.name)
        for i in scenarios.indices { scenarios[i].duration *= options.durationScale }
        let baseline: String
        if let wanted = options.baseline {
            guard servers.contains(where: { $0.name == wanted }) else {
                throw SuiteError.unknownName("baseline server", wanted, servers.map(\.name))
            }
            baseline = wanted
        } else if let b = config.baseline, servers.contains(where: { $0.name == b }) {
            baseline = b
        } else {
            baseline = servers[0].name
        }
        let warmup = (config.warmupSeconds ?? 2) * options.durationScale
        let directory = URL(fileURLWithPath: config.workingDirectory ?? ".", relativeTo: URL(fileURLWithPath: options.configDirectory, isDirectory: true)).standardizedFileURL.path
        let logDirectory = options.logDirectory ?? NSTemporaryDirectory() + "pronto-bench-suite-\(getpid())"
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        let generatorText: String
        switch options.generator {
        case .inProcess: generatorText = "in-process LoadRunner (not pinned)"
        case .subprocess: generatorText = "pronto-bench load" + (config.generatorCPU.map { " under taskset -c \($0)" } ?? "")
        }

        let repeats = options.repeats ?? (options.compare == nil ? 1 : 2)
        guard repeats >= 1 else { throw SuiteError.invalidConfig("--repeat", "must be at least 1") }

        var failed: [String: String] = [:]
        var compareCommit: String?
        var comparePaths: SuiteCompare.Paths?
        defer {
            if let comparePaths {
                options.log("removing worktree \(comparePaths.worktree)")
                _ = try? runShell(SuiteCompare.shellCommand(comparePaths.worktreeRemoveCommand), in: directory,
                                  log: "\(logDirectory)/compare-worktree-remove.log")
            }
        }
        if let rev = options.compare {
            guard servers.contains(where: SuiteCompare.runsRepositoryHello) else {
                throw SuiteError.invalidConfig("--compare", "none of the selected servers starts the repository's .build/release/hello")
            }
            let paths = SuiteCompare.Paths(repository: directory, rev: rev)
            let twins = SuiteCompare.twins(of: servers, rev: rev, binary: paths.binary)
            servers = SuiteCompare.interleave(servers, twins: twins, rev: rev)
            let logPath = "\(logDirectory)/compare-\(SuiteCompare.fileSafe(rev))-build.log"
            for command in paths.cleanupCommands {
                _ = try runShell(SuiteCompare.shellCommand(command) + " 2>/dev/null", in: directory, log: logPath)
            }
            options.log("checking out \(rev): \(SuiteCompare.shellCommand(paths.worktreeAddCommand))")
            var why: String?
            if try runShell(SuiteCompare.shellCommand(paths.worktreeAddCommand), in: directory, log: logPath) != 0 {
                why = "git worktree add \(rev) failed (log: \(logPath))"
            } else {
                comparePaths = paths
                compareCommit = gitCommit(in: paths.worktree)
                if options.build || !FileManager.default.isExecutableFile(atPath: paths.binary) {
                    options.log("building \(rev) (\(compareCommit ?? "?")): \(SuiteCompare.shellCommand(paths.buildCommand))")
                    let status = try runShell(SuiteCompare.shellCommand(paths.buildCommand), in: directory, log: logPath, append: true)
                    if status != 0 { why = "build of \(rev) exited with status \(status) (log: \(logPath))" }
                }
            }
            if let why { for twin in twins { failed[twin.name] = why } }
        }

        if options.build {
            for server in servers {
                guard let build = server.build else { continue }
                options.log("building \(server.name): \(build)")
                let logPath = "\(logDirectory)/\(SuiteCompare.fileSafe(server.name))-build.log"
                let status = try runShell(build, in: directory, log: logPath)
                if status != 0 { failed[server.name] = "build exited with status \(status) (log: \(logPath))" }
            }
        }

        var runs: [SuiteResult] = []
        for index in 0..<repeats {
            if repeats > 1 { options.log("run \(index + 1) of \(repeats)") }
            let run = repeats > 1 ? index + 1 : nil
            for server in SuiteCompare.runOrder(servers, rev: options.compare, repeatIndex: index) {
                runs += await runServer(server, scenarios: scenarios, failure: failed[server.name], run: run, config: config,
                                        directory: directory, logDirectory: logDirectory, warmup: warmup, options: options)
            }
        }

        // One result per server and scenario: the median run by req/s (failed runs last).
        var results: [SuiteResult] = []
        for server in servers {
            for scenario in scenarios {
                let mine = runs.filter { $0.server == server.name && $0.scenario == scenario.name }
                let ok = mine.filter { $0.failure == nil }.sorted { $0.requestsPerSecond < $1.requestsPerSecond }
                if let median = ok.isEmpty ? mine.first : ok[(ok.count - 1) / 2] { results.append(median) }
            }
        }
        let comparisons = options.compare.map { SuiteCompare.comparisons(runs: runs, servers: servers, scenarios: scenarios, rev: $0) }
        for c in comparisons ?? [] {
            options.log("\(c.other) vs \(c.server) \(c.scenario): req/s \(SuiteResults.percent(c.requestsPerSecond.change)) "
                + "(\(c.requestsPerSecond.verdict.rawValue)), p99 \(c.p99.map { SuiteResults.percent($0.change) + " (\($0.verdict.rawValue))" } ?? "-")")
        }

        return SuiteResults(timestamp: ISO8601DateFormatter().string(from: Date()), commit: gitCommit(in: directory),
                            generator: generatorText, durationScale: options.durationScale, warmupSeconds: warmup,
                            baseline: baseline, servers: servers, scenarios: scenarios, results: results,
                            repeats: repeats > 1 ? repeats : nil, runs: repeats > 1 ? runs : nil,
                            compare: options.compare, compareCommit: compareCommit, comparisons: comparisons)
    }

    /// Starts one server, runs every scenario against it, stops it.
    static func runServer(_ server: SuiteServer, scenarios: [SuiteScenario], failure: String?, run: Int?,
                          config: SuiteConfiguration, directory: String, logDirectory: String, warmup: Double,
                          options: SuiteOptions) async -> [SuiteResult] {
        if let why = failure {
            options.log("skipping \(server.name): \(why)")
            return scenarios.map { SuiteResult(server: server.name, scenario: $0.name, failure: why, run: run) }
        }
        let running: RunningServer
        do {
            running = try await RunningServer.start(server, in: directory, logDirectory: logDirectory,
                                                    readyPath: server.ready ?? scenarios[0].path,
                                                    timeout: config.startupTimeoutSeconds ?? 30)
        } catch {
            options.log("\(server.name) failed to start: \(error)")
            return scenarios.map { SuiteResult(server: server.name, scenario: $0.name, failure: "\(error)", run: run) }
        }
        options.log("\(server.name) listening on 127.0.0.1:\(running.port) (pid \(running.pid))")
        var results: [SuiteResult] = []
        for scenario in scenarios {
            do {
                var result = try await measure(scenario, on: running, warmup: warmup, generator: options.generator,
                                               generatorCPU: config.generatorCPU)
                result.run = run
                options.log("\(server.name) \(scenario.name): \(Format.grouped(Int(result.requestsPerSecond.rounded()))) req/s, "
                    + "p99 \(result.latency.map { Format.micros($0.p99) } ?? "-"), errors \(result.errors.total)")
                results.append(result)
            } catch {
                options.log("\(server.name) \(scenario.name) failed: \(error)")
                results.append(SuiteResult(server: server.name, scenario: scenario.name, failure: "\(error)", run: run))
            }
        }
        running.stop()
        return results
    }

    /// Writes `results.json`, `results.md` and one `SCENARIO.svg` per scenario; returns the paths.
    @discardableResult
    public static func write(_ results: SuiteResults, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var paths: [String] = []
        func put(_ name: String, _ text: String) throws {
            let path = (directory as NSString).appendingPathComponent(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        try put("results.json", try results.json() + "\n")
        try put("results.md", results.markdown())
        for scenario in results.scenarios {
            try put("\(scenario.name).svg", SuiteCharts.svg(results, scenario: scenario))
        }
        return paths
    }

    static func select<T>(_ all: [T], _ names: [String]?, kind: String, name: KeyPath<T, String>) throws -> [T] {
        guard let names, !names.isEmpty else { return all }
        return try names.map { wanted in
            guard let item = all.first(where: { $0[keyPath: name] == wanted }) else {
                throw SuiteError.unknownName(kind, wanted, all.map { $0[keyPath: name] })
            }
            return item
        }
    }

    /// Warm-up, then the measured run with the server's CPU time read around it.
    static func measure(_ scenario: SuiteScenario, on server: RunningServer, warmup: Double,
                        generator: SuiteGenerator, generatorCPU: Int?) async throws -> SuiteResult {
        if warmup > 0 {
            var w = scenario
            w.duration = warmup
            _ = try await load(w, port: server.port, generator: generator, cpu: generatorCPU)
        }
        let before = cpuTicks(pid: server.pid)
        let report = try await load(scenario, port: server.port, generator: generator, cpu: generatorCPU)
        let after = cpuTicks(pid: server.pid)
        guard server.isRunning else { throw SuiteError.serverFailed(server.name, "exited during \(scenario.name)") }
        var result = SuiteResult(server: server.name, scenario: scenario.name, requests: report.requests,
                                 durationSeconds: report.durationSeconds, requestsPerSecond: report.requestsPerSecond,
                                 latency: report.latency, errors: report.errors)
        if let before, let after {
            let seconds = Double(after - before) / Double(sysconf(Int32(_SC_CLK_TCK)))
            if report.requests > 0 { result.serverCPUMicrosPerRequest = seconds / Double(report.requests) * 1e6 }
            if report.durationSeconds > 0 { result.serverCPUPercent = seconds / report.durationSeconds * 100 }
        }
        return result
    }

    static func load(_ scenario: SuiteScenario, port: Int, generator: SuiteGenerator, cpu: Int?) async throws -> LoadReport {
        let url = "http://127.0.0.1:\(port)\(scenario.path)"
        switch generator {
        case .inProcess:
            var c = LoadConfiguration(url: try TargetURL(parsing: url))
            c.connections = scenario.connections
            c.duration = scenario.duration
            c.pipeline = scenario.pipeline ?? 1
            c.rate = scenario.rate
            return try await LoadRunner.run(c)
        case .subprocess(let executable):
            var arguments = [executable, "load", url, "--connections", "\(scenario.connections)",
                             "--duration", "\(scenario.duration)", "--pipeline", "\(scenario.pipeline ?? 1)", "--json"]
            if let rate = scenario.rate { arguments += ["--rate", "\(rate)"] }
            if let cpu { arguments = ["taskset", "-c", "\(cpu)"] + arguments }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            activePIDs.withLock { _ = $0.insert(process.processIdentifier) }
            defer { activePIDs.withLock { _ = $0.remove(process.processIdentifier) } }
            // Seconds of waiting: on a thread of its own, not one of Swift concurrency's few.
            let waiting = UncheckedBox((process, pipe))
            let data = try await onOwnThread {
                let (process, pipe) = waiting.value
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return data
            }
            guard process.terminationStatus == 0 else {
                throw SuiteError.generatorFailed("\(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
            }
            do {
                return try JSONDecoder().decode(LoadReport.self, from: data)
            } catch {
                throw SuiteError.generatorFailed("unreadable JSON from pronto-bench load: \(error)")
            }
        }
    }

    /// utime + stime of a process in clock ticks, from /proc/PID/stat (nil if unreadable).
    public static func cpuTicks(pid: Int32) -> Int? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: bytes[..<n], as: UTF8.self)
        // Fields after "(comm) ": state is [0]; utime and stime are fields 14 and 15, [11] and [12].
        guard let close = text.range(of: ")", options: .backwards) else { return nil }
        let fields = text[close.upperBound...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Runs `/bin/sh -c command` in `directory`, output to `log`; returns the exit status.
    static func runShell(_ command: String, in directory: String, log: String, append: Bool = false) throws -> Int32 {
        if !append || !FileManager.default.fileExists(atPath: log) {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
        }
        let output = FileHandle(forWritingAtPath: log)
        _ = try? output?.seekToEnd()
        defer { try? output?.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        activePIDs.withLock { _ = $0.insert(process.processIdentifier) }
        process.waitUntilExit()
        activePIDs.withLock { _ = $0.remove(process.processIdentifier) }
        return process.terminationStatus
    }

    static func gitCommit(in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory, "rev-parse", "--short", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let commit = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return commit.isEmpty ? nil : commit
    }

    /// A free TCP port on 127.0.0.1 (bound to port 0, then released).
    public static func freePort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SuiteError.serverFailed("-", "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw SuiteError.serverFailed("-", "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A server process the suite started: `/bin/sh -c "exec taskset -c CPU START"`, so the PID
/// is the server's own.
final class RunningServer: Sendable {
    let name: String
    let port: Int
    let process: Process
    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    private init(name: String, port: Int, process: Process) {
        self.name = name
        self.port = port
        self.process = process
    }

    static func start(_ server: SuiteServer, in directory: String, logDirectory: String, readyPath: String,
                      timeout: Double) async throws -> RunningServer {
        let port = try SuiteRunner.freePort()
        let command = server.start.replacingOccurrences(of: "{port}", with: "\(port)")
        let logPath = "\(logDirectory)/\(SuiteCompare.fileSafe(server.name)).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let output = FileHandle(forWritingAtPath: logPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The suite ignores SIGINT and SIGTERM (its own handler stops the servers), and an
        // ignored signal stays ignored across exec: reset them, or a server that is a
        // shell script could neither trap SIGTERM nor die of it.
        process.arguments = ["-c", "exec env --default-signal=INT,TERM " + (server.cpu.map { "taskset -c \($0) " } ?? "") + command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try? output?.close()
        let running = RunningServer(name: server.name, port: port, process: process)
        SuiteRunner.activePIDs.withLock { _ = $0.insert(process.processIdentifier) }

        // Ready check: one GET of readyPath that gets a complete answer below 400.
        let deadline = monotonicNanos() + UInt64(timeout * 1e9)
        var configuration = LoadConfiguration(url: try TargetURL(parsing: "http://127.0.0.1:\(port)\(readyPath)"))
        configuration.connections = 1
        configuration.duration = nil
        configuration.requests = 1
        configuration.timeout = 1
        while true {
            guard process.isRunning else {
                running.stop()
                throw SuiteError.serverFailed(server.name, "exited with status \(process.terminationStatus) during startup (log: \(logPath))")
            }
            if let report = try? await LoadRunner.run(configuration), report.requests == 1 {
                if report.errors.status4xx + report.errors.status5xx > 0 {
                    running.stop()
                    throw SuiteError.serverFailed(server.name, "ready check GET \(readyPath) answered with an error status")
                }
                return running
            }
            guard monotonicNanos() < deadline else {
                running.stop()
                throw SuiteError.serverFailed(server.name, "did not answer GET \(readyPath) on port \(port) within \(timeout) s (log: \(logPath))")
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    /// SIGTERM, SIGKILL after 5 s, then reaps it.
    func stop() {
        let pid = process.processIdentifier
        if process.isRunning {
            kill(pid, SIGTERM)
            let deadline = monotonicNanos() + 5_000_000_000
            while process.isRunning && monotonicNanos() < deadline { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
        }
        process.waitUntilExit()
        SuiteRunner.activePIDs.withLock { _ = $0.remove(pid) }
    }
}
