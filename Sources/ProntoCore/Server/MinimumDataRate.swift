import NIOCore

/// A minimum average data rate a client must keep, after a grace period (see
/// ``ServerConfiguration/minimumRequestBodyRate``).
///
/// A body of `n` bytes that began at `t` must have arrived by `t + gracePeriod +
/// n / bytesPerSecond`: a fast start buys time later, and a client may pause, but one
/// trickling bytes to hold a connection falls behind and is answered 408.
public struct MinimumDataRate: Sendable, Hashable {
    /// Bytes per second, on average since the body began.
    public var bytesPerSecond: Int
    /// How long a body may take before its rate counts.
    public var gracePeriod: TimeAmount

    /// A rate of `bytesPerSecond` after `gracePeriod`.
    public init(bytesPerSecond: Int, gracePeriod: TimeAmount) {
        self.bytesPerSecond = bytesPerSecond
        self.gracePeriod = gracePeriod
    }
}
