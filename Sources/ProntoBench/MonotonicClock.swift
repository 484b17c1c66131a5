import NIOCore

/// Nanoseconds on the monotonic clock NIO schedules with (`NIODeadline`), so a send time and
/// a timer deadline compare directly. No allocation.
@inline(__always)
func monotonicNanos() -> UInt64 {
    NIODeadline.now().uptimeNanoseconds
}
