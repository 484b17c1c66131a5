import Histogram

/// Latencies of one event loop (or, merged, of a run), in microseconds, in HDR histograms.
///
/// Two views are kept in fixed-rate runs:
/// - `corrected`: from each request's scheduled send time to its answer (wrk2's figure; a
///   stall shows up in every request that was due during it);
/// - `uncorrected`: from the moment the request was actually written to its answer (what a
///   closed-loop tool like wrk reports; a stall shows up once per connection and hides in the
///   high percentiles).
/// Without a rate both are the same measurement, so only `corrected` is recorded and
/// `uncorrected` mirrors it in `merged`/the report.
public struct LatencyRecorder: Sendable {
    /// Values above this (one hour in µs) are clamped: the histogram is fixed-size, no resizing
    /// on the hot path.
    public static let highestTrackable: UInt64 = 3_600_000_000

    public var corrected: Histogram<UInt64>
    public var uncorrected: Histogram<UInt64>
    /// Whether `uncorrected` is recorded separately (fixed-rate runs).
    public let separateUncorrected: Bool

    public init(separateUncorrected: Bool) {
        self.separateUncorrected = separateUncorrected
        corrected = Histogram(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestTrackable, numberOfSignificantValueDigits: .three)
        uncorrected = separateUncorrected
            ? Histogram(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestTrackable, numberOfSignificantValueDigits: .three)
            : Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: .zero)
    }

    /// Records `count` answers with the same times. Times in monotonic nanoseconds.
    @inline(__always)
    public mutating func record(scheduled: UInt64, sent: UInt64, answered: UInt64, count: Int = 1) {
        corrected.record(Self.micros(from: scheduled, to: answered), count: UInt64(count))
        if separateUncorrected {
            uncorrected.record(Self.micros(from: sent, to: answered), count: UInt64(count))
        }
    }

    @inline(__always)
    static func micros(from start: UInt64, to end: UInt64) -> UInt64 {
        let nanos = end > start ? end &- start : 0
        // Round to nearest µs, at least 1 so sub-µs answers are not "0".
        return Swift.min(Swift.max((nanos &+ 500) / 1000, 1), highestTrackable)
    }

    /// Adds another loop's latencies.
    public mutating func add(_ other: LatencyRecorder) {
        corrected.add(other.corrected)
        if separateUncorrected && other.separateUncorrected {
            uncorrected.add(other.uncorrected)
        }
    }

    /// The uncorrected view: the separate histogram in fixed-rate runs, else `corrected`.
    public var uncorrectedView: Histogram<UInt64> { separateUncorrected ? uncorrected : corrected }
}

/// Latency percentiles in microseconds, as reported.
public struct LatencySummary: Codable, Equatable, Sendable {
    public var count: UInt64
    public var mean: Double
    public var stdev: Double
    public var min: UInt64
    public var p50: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var p9999: UInt64
    public var max: UInt64

    /// The percentiles every report shows, with their JSON/display names.
    public static let reported: [(label: String, percentile: Double)] = [
        ("50%", 50), ("90%", 90), ("99%", 99), ("99.9%", 99.9), ("99.99%", 99.99),
    ]

    public init(_ histogram: Histogram<UInt64>) {
        count = histogram.totalCount
        if count == 0 {
            mean = 0; stdev = 0; min = 0; p50 = 0; p90 = 0; p99 = 0; p999 = 0; p9999 = 0; max = 0
            return
        }
        mean = histogram.mean
        stdev = histogram.stdDeviation
        min = histogram.min
        p50 = histogram.valueAtPercentile(50)
        p90 = histogram.valueAtPercentile(90)
        p99 = histogram.valueAtPercentile(99)
        p999 = histogram.valueAtPercentile(99.9)
        p9999 = histogram.valueAtPercentile(99.99)
        max = histogram.max
    }

    public func value(atReported percentile: Double) -> UInt64 {
        switch percentile {
        case 50: p50
        case 90: p90
        case 99: p99
        case 99.9: p999
        default: p9999
        }
    }
}
