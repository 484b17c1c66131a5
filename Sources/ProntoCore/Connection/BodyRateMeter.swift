/// The average rate of a request body since it began, against a minimum after a grace
/// period (``ServerConfiguration/minimumRequestBodyRate``): a client trickling a body in
/// falls behind its deadline even though it never pauses long. Times in nanoseconds of
/// the connection's monotonic clock, like ``ConnectionStateMachine``'s.
struct BodyRateMeter {
    /// Bytes per second on average (0: no minimum).
    let bytesPerSecond: UInt64
    /// Nanoseconds before the rate counts.
    let grace: UInt64
    private var startedAt: UInt64 = 0
    private var bytes: UInt64 = 0

    init(bytesPerSecond: UInt64, grace: UInt64) {
        self.bytesPerSecond = bytesPerSecond
        self.grace = grace
    }

    /// A body begins (or counts afresh, after a pause that was not the client's).
    mutating func start(at now: UInt64) {
        startedAt = now
        bytes = 0
    }

    mutating func received(_ count: Int) {
        bytes &+= UInt64(count)
    }

    /// When the body falls below the minimum if nothing more arrives; `.max` without one.
    var deadline: UInt64 {
        guard bytesPerSecond > 0 else { return .max }
        // bytes / rate seconds, in nanoseconds, without overflowing for any body size.
        let allowed = (bytes / bytesPerSecond) &* 1_000_000_000 &+ (bytes % bytesPerSecond) &* 1_000_000_000 / bytesPerSecond
        return startedAt &+ grace &+ allowed
    }
}
