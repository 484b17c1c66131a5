import ArgumentParser
import Dispatch
import Foundation
import ProntoBench

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds, written as wrk takes them: "10", "10s", "500ms", "2m", "1.5".
struct Seconds: ExpressibleByArgument {
    var value: Double

    init?(argument: String) {
        let text = argument.lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let n = Double(text.dropLast(suffix.count)), n > 0 else { return nil }
            value = n * factor
            return
        }
        guard let n = Double(text), n > 0 else { return nil }
        value = n
    }
}

@main
struct ProntoBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pronto-bench",
        abstract: "Pronto's toolbench: HTTP/1.1 load generator and TCP echo benchmark.",
        subcommands: [Load.self, Echo.self, EchoServerCommand.self, Suite.self, Trend.self, HTTPServerCommand.self, Events.self]
    )
}

/// Writes straight to standard output, unbuffered (the live progress line).
func writeOut(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}

struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "HTTP/1.1 load generator (wrk-style peak, or wrk2-style fixed rate with --rate).",
        discussion: """
            Without --rate, each connection writes --pipeline requests at once and the next batch \
            when all are answered (wrk with pipeline.lua). With --rate, requests are sent on a \
            fixed schedule and latency is measured from each request's scheduled time \
            (coordinated omission corrected, as wrk2 does); the uncorrected figures are shown too.
            """
    )

    @Argument(help: "Target, http://host[:port][/path[?query]].")
    var url: String

    // The short names take their value joined as well (-c100 -d10s -t1), as wrk's do, so a
    // wrk command line works unchanged.
    @Option(name: [.customShort("c", allowingJoined: true), .long], help: "Open connections.")
    var connections = 100

    @Option(name: [.customShort("d", allowingJoined: true), .long], help: "Run length: 10, 10s, 500ms, 1m (default 10s, or unlimited with --requests).")
    var duration: Seconds?

    @Option(name: [.customShort("t", allowingJoined: true), .long], help: "Event loop threads.")
    var threads = 1

    @Option(help: "Requests written at once per connection (with --rate: most in flight per connection).")
    var pipeline = 1

    @Option(help: "Stop after this many requests in total.")
    var requests: Int?

    @Option(name: [.customShort("r", allowingJoined: true), .customShort("R", allowingJoined: true), .long],
            help: "Total requests per second (fixed rate, coordinated omission corrected; -R as in wrk2).")
    var rate: Double?

    @Option(name: .shortAndLong, help: "Request method.")
    var method = "GET"

    @Option(name: [.customShort("H"), .long], help: "Extra request header, \"Name: value\" (repeatable).")
    var header: [String] = []

    @Option(help: "Request body (adds Content-Length).")
    var body: String?

    @Option(help: "Time before an unanswered request counts as a timeout (2, 2s, 500ms). Default 2s.")
    var timeout: Seconds?

    @Flag(help: "Number requests with X-Pronto-Seq and check the server echoes them in order.")
    var checkSequence = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Accepted for wrk's command lines: the latency percentiles are always reported.")
    var latency = false

    @Sendable static func showProgress(_ p: LoadProgress) {
        let rate: Double = p.intervalSeconds > 0 ? Double(p.responsesInLastInterval) / p.intervalSeconds : 0
        let seconds = Int(p.elapsed.rounded())
        writeOut("\r  \(seconds) s  \(Int(rate)) req/s  \(p.responses) responses  \(p.errors) errors   ")
    }

    func run() async throws {
        var configuration = LoadConfiguration(url: try TargetURL(parsing: url))
        configuration.connections = connections
        configuration.threads = threads
        configuration.pipeline = pipeline
        configuration.requests = requests
        configuration.duration = duration?.value ?? (requests == nil ? 10 : nil)
        configuration.rate = rate
        configuration.method = method
        configuration.headers = header
        configuration.body = body.map { Array($0.utf8) }
        configuration.timeout = timeout?.value ?? 2
        configuration.checkSequence = checkSequence
        do {
            try configuration.validate()
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }

        // A live line once per second, only on a terminal and never in JSON mode.
        let live = !json && isatty(STDOUT_FILENO) != 0
        let progress: (@Sendable (LoadProgress) -> Void)? = live ? Self.showProgress : nil
        let report = try await LoadRunner.run(configuration, progress: progress)
        if live {
            writeOut("\r\u{1B}[2K")
        }
        print(json ? try report.json() : report.text())
    }
}

struct Echo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "TCP echo client (the uvloop toolbench's), or WebSocket echo with --websocket: messages/s and MiB/s per message size."
    )

    @Option(name: .long, help: "Server host.")
    var host = "127.0.0.1"

    @Option(name: .shortAndLong, help: "Server port.")
    var port: Int

    @Option(name: .shortAndLong, parsing: .upToNextOption,
            help: "Message sizes: bytes, or with a k/KiB suffix (repeatable or a comma list). Default 1k 10k 100k.")
    var size: [String] = []

    @Option(help: "Connections, one message in flight each.")
    var concurrency = 10

    @Option(name: .shortAndLong, help: "Run length per size: 5, 5s, 500ms (default 5s, or unlimited with --messages).")
    var duration: Seconds?

    @Option(help: "Messages per connection per size.")
    var messages: Int?

    @Option(name: .shortAndLong, help: "Event loop threads.")
    var threads = 1

    @Option(name: .customLong("websocket"),
            help: "Echo over WebSockets: each connection upgrades at this path (e.g. /ws/echo), then sends masked text frames.")
    var webSocketPath: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    static func parseSize(_ text: String) throws -> Int {
        let lower = text.lowercased().filter { $0 != " " }
        for (suffix, factor) in [("kib", 1024), ("kb", 1024), ("k", 1024), ("mib", 1_048_576), ("m", 1_048_576), ("b", 1)] {
            if lower.hasSuffix(suffix), let n = Int(lower.dropLast(suffix.count)) { return n * factor }
        }
        guard let n = Int(lower) else { throw ValidationError("invalid size \(text)") }
        return n
    }

    func run() async throws {
        var configuration = EchoConfiguration(port: port)
        configuration.host = host
        if !size.isEmpty {
            configuration.sizes = try size.flatMap { $0.split(separator: ",").map(String.init) }.map(Self.parseSize)
        }
        configuration.concurrency = concurrency
        configuration.messages = messages
        configuration.duration = duration?.value ?? (messages == nil ? 5 : nil)
        configuration.threads = threads
        configuration.webSocketPath = webSocketPath
        do {
            try configuration.validate()
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
        let report = try await EchoClient.run(configuration)
        print(json ? try report.json() : report.text())
    }
}

struct Suite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs named scenarios against named servers from a config file; writes JSON, Markdown and SVG charts.",
        discussion: """
            Each server is built, started pinned to its CPU (taskset) on a free port, checked, then \
            loaded with every scenario in turn (warm-up first) by `pronto-bench load` re-executed \
            under `taskset -c generatorCPU`, and stopped by PID. Server CPU time per request comes \
            from /proc/PID/stat.
            """
    )

    @Option(help: "Suite config (JSON).")
    var config = "Benchmarks/suite.json"

    @Option(help: "Servers to run, comma-separated (default: all in the config).")
    var servers: String?

    @Option(help: "Scenarios to run, comma-separated (default: all in the config).")
    var scenarios: String?

    @Option(help: "Server the ratios divide by (default: the config's baseline, else the first server).")
    var baseline: String?

    @Option(help: "Folder for results.json, results.md, SCENARIO.svg and logs/.")
    var out = "Benchmarks/results/suite"

    @Option(help: "Multiplies every duration and the warm-up (e.g. 0.05 for CI).")
    var durationScale = 1.0

    @Flag(help: "Skip the servers' build commands (binaries must exist).")
    var noBuild = false

    @Flag(help: "Run the load in this process (not pinned) instead of re-executing pronto-bench load under taskset.")
    var inProcess = false

    @Option(help: "pronto-bench executable that runs the load (default: this one), e.g. a release build when the suite runs from a debug one.")
    var generator: String?

    @Option(help: ArgumentHelp("Also build Pronto at this git revision (in .build-compare/) and run a twin NAME@REV of each server that starts .build/release/hello; prints the change per scenario with a verdict against the noise between repeats.", valueName: "rev"))
    var compare: String?

    @Option(name: .customLong("repeat"), help: "Runs of each server and scenario (default 2 with --compare, else 1); their spread is the noise.")
    var repeats: Int?

    @OptionGroup var historyOptions: SuiteHistoryOptions

    static func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    func run() async throws {
        let configuration: SuiteConfiguration
        do {
            configuration = try SuiteConfiguration.load(path: config)
        } catch let error as SuiteError {
            throw ValidationError(error.description)
        }
        var options = SuiteOptions()
        options.servers = Self.list(servers)
        options.scenarios = Self.list(scenarios)
        options.baseline = baseline
        options.durationScale = durationScale
        options.build = !noBuild
        options.compare = compare
        if let repeats, repeats < 1 { throw ValidationError("--repeat must be at least 1") }
        options.repeats = repeats
        options.configDirectory = (config as NSString).deletingLastPathComponent.isEmpty ? "." : (config as NSString).deletingLastPathComponent
        options.logDirectory = (out as NSString).appendingPathComponent("logs")
        options.generator = inProcess ? .inProcess : .subprocess(executable: generator ?? Self.selfExecutable())
        options.log = { message in
            FileHandle.standardError.write(Data("[suite] \(message)\n".utf8))
        }

        // Ctrl-C or SIGTERM: stop the servers (and generator) this run started, then exit.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { (number: Int32) -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                SuiteRunner.terminateActiveProcesses()
                Glibc.exit(128 + number)
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        let results: SuiteResults
        do {
            results = try await SuiteRunner.run(configuration, options: options)
        } catch let error as SuiteError {
            throw ValidationError(error.description)
        }
        var paths = try SuiteRunner.write(results, to: out)
        print(results.markdown())
        paths += historyOptions.record(results, configuration: configuration, configDirectory: options.configDirectory,
                                       durationScale: durationScale, out: out, log: options.log)
        options.log("wrote " + paths.joined(separator: ", "))
    }

    /// This executable's path (to re-execute `load`).
    static func selfExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
