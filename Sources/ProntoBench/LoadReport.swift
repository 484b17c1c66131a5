import Foundation

/// The outcome of `pronto-bench load`, as text for people and JSON for scripts.
public struct LoadReport: Codable, Sendable {
    public var url: String
    public var method: String
    public var connections: Int
    public var threads: Int
    public var pipeline: Int
    /// Target total rate (requests/s), nil for a peak run.
    public var rate: Double?
    public var durationSeconds: Double
    /// Complete responses received (any status), as wrk counts "requests".
    public var requests: Int
    public var requestsPerSecond: Double
    /// Response bytes read, framing included.
    public var bytesRead: Int
    public var bytesPerSecond: Double
    /// Latency in µs: from the scheduled send time at a fixed rate (coordinated omission
    /// corrected), from the write otherwise.
    public var latency: LatencySummary
    /// At a fixed rate, latency from the actual write (what an uncorrected tool would show).
    public var uncorrectedLatency: LatencySummary?
    public var errors: ErrorCounts

    /// The histograms behind the summaries (not part of the JSON).
    public var recorder: LatencyRecorder?

    enum CodingKeys: String, CodingKey {
        case url, method, connections, threads, pipeline, rate, durationSeconds, requests
        case requestsPerSecond, bytesRead, bytesPerSecond, latency, uncorrectedLatency, errors
    }

    public init(configuration: LoadConfiguration, durationSeconds: Double, responses: Int,
                bytesRead: Int, errors: ErrorCounts, recorder: LatencyRecorder) {
        url = configuration.url.description
        method = configuration.method
        connections = configuration.connections
        threads = configuration.threads
        pipeline = configuration.pipeline
        rate = configuration.rate
        self.durationSeconds = durationSeconds
        requests = responses
        requestsPerSecond = durationSeconds > 0 ? Double(responses) / durationSeconds : 0
        self.bytesRead = bytesRead
        bytesPerSecond = durationSeconds > 0 ? Double(bytesRead) / durationSeconds : 0
        latency = LatencySummary(recorder.corrected)
        uncorrectedLatency = recorder.separateUncorrected ? LatencySummary(recorder.uncorrected) : nil
        self.errors = errors
        self.recorder = recorder
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The human-readable report.
    public func text() -> String {
        var lines: [String] = []
        lines.append("pronto-bench load \(method) \(url)")
        var setup = "  \(Format.decimal(durationSeconds, 2)) s, \(threads) thread\(threads == 1 ? "" : "s"), "
            + "\(connections) connection\(connections == 1 ? "" : "s"), pipeline \(pipeline)"
        if let rate { setup += ", fixed rate \(Format.grouped(Int(rate.rounded()))) req/s" }
        lines.append(setup)
        lines.append("  Requests/s  \(Format.pad(Format.groupedDecimal(requestsPerSecond), 14))   "
            + "(\(Format.grouped(requests)) responses)")
        lines.append("  Transfer/s  \(Format.pad(Format.bytes(bytesPerSecond), 14))   "
            + "(\(Format.bytes(Double(bytesRead))) read)")
        let header = LatencySummary.reported.map { Format.pad($0.label, 9) }.joined() + Format.pad("max", 9)
        let label = rate == nil ? "Latency   " : "Latency, corrected   "
        let pad = String(repeating: " ", count: label.count)
        lines.append("  \(pad)\(header)")
        lines.append("  \(label)\(Self.row(latency))")
        if let uncorrectedLatency {
            lines.append("  \(Format.padRight("Latency, uncorrected", label.count))\(Self.row(uncorrectedLatency))")
        }
        if errors.total == 0 {
            lines.append("  Errors      none")
        } else {
            let parts = ErrorKind.allCases.map { "\($0.rawValue) \(Format.grouped(errors[$0]))" }
            lines.append("  Errors      \(Format.grouped(errors.total)): " + parts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ summary: LatencySummary) -> String {
        LatencySummary.reported.map { Format.pad(Format.micros(summary.value(atReported: $0.percentile)), 9) }.joined()
            + Format.pad(Format.micros(summary.max), 9)
    }
}

/// Number formatting for reports.
enum Format {
    static func decimal(_ value: Double, _ places: Int) -> String {
        String(format: "%.\(places)f", value)
    }

    /// 1234567.891 → "1,234,567.89".
    static func groupedDecimal(_ value: Double) -> String {
        let whole = Int(value)
        let fraction = decimal(value - Double(whole), 2)  // "0.xx", or "1.00" when it rounds up
        if fraction.hasPrefix("1") { return grouped(whole + 1) + ".00" }
        return grouped(whole) + String(fraction.dropFirst())
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return value < 0 ? "-" + out : out
    }

    /// Bytes as KiB/MiB/GiB.
    static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = value
        var unit = 0
        while v >= 1024 && unit < units.count - 1 {
            v /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(v)) B" : "\(decimal(v, 2)) \(units[unit])"
    }

    /// Microseconds as µs, ms or s with 3 significant-ish digits.
    static func micros(_ value: UInt64) -> String {
        if value < 1000 { return "\(value)µs" }
        if value < 1_000_000 { return "\(decimal(Double(value) / 1000, value < 10_000 ? 2 : 1))ms" }
        return "\(decimal(Double(value) / 1_000_000, 2))s"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }

    static func padRight(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
