/// wrk2's fixed-rate schedule for one connection.
///
/// A total rate `R` over `C` connections gives each connection one request every
/// `C / R` seconds; connection `j` is offset by `j / R` so the connections take turns and the
/// total is evenly spaced. Request `k` of a connection is due at
/// `start + offset + k × interval`, whether or not the previous answers came back in time:
/// latency is measured from that due time, so a server stall delays (and is charged to) every
/// request that should have been sent during it. That is the coordinated-omission correction.
public struct RateSchedule: Sendable, Equatable {
    /// Due time of request 0, monotonic nanoseconds.
    public let start: UInt64
    /// Nanoseconds between two requests of this connection.
    public let intervalNanos: Double

    public init(start: UInt64, totalRate: Double, connections: Int, connectionIndex: Int) {
        precondition(totalRate > 0 && connections > 0)
        let perRequest = 1e9 / totalRate
        self.intervalNanos = perRequest * Double(connections)
        self.start = start &+ UInt64(perRequest * Double(connectionIndex))
    }

    /// Due time of request `index`, monotonic nanoseconds.
    @inline(__always)
    public func dueTime(_ index: Int) -> UInt64 {
        start &+ UInt64(intervalNanos * Double(index))
    }

    /// The interval in whole nanoseconds (the "expected interval" of an HDR correction).
    public var expectedIntervalNanos: UInt64 { UInt64(intervalNanos) }
}
