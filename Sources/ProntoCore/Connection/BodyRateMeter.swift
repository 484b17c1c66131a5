/// The average rate of a request body since it began, against a minimum after a grace
/// period (``ServerConfiguration/minimumRequestBodyRate``): a client trickling a body in
/// falls behind its deadline even though it never pauses long. Times in nanoseconds of
/// the connection's monotonic clock, like ``ConnectionStateMachine``'s. The minimum and
/// the grace period are the server's, passed in rather than kept in every connection.
struct BodyRateMeter {
    private var startedAt: UInt64 = 0
    private var bytes: UInt64 = 0

    /// A body begins (or counts afresh, after a pause that was not the client's).
    mutating func start(at now: UInt64) {
        startedAt = now
        bytes = 0
    }

    mutating func received(_ count: Int) {
        bytes &+= UInt64(count)
    }

    /// When the body falls below `bytesPerSecond` on average (0: no minimum) if nothing
    /// more arrives, counting only after `grace` nanoseconds; `.max` without a minimum.
    func deadline(bytesPerSecond: UInt64, grace: UInt64) -> UInt64 {
        guard bytesPerSecond > 0 else { return .max }
        // bytes / rate seconds, in nanoseconds, without overflowing for any body size.
        let allowed = (bytes / bytesPerSecond) &* 1_000_000_000 &+ (bytes % bytesPerSecond) &* 1_000_000_000 / bytesPerSecond
        return startedAt &+ grace &+ allowed
    }
}
