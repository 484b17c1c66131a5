/// What ``ConnectionStateMachine``'s state says, derived and read-only: the adapter asks,
/// the machine's transitions stay in its own file.
extension ConnectionStateMachine {
    /// Whether requests are still taken from the input.
    var isTakingRequests: Bool {
        if case .stopped = input { return false }
        return true
    }

    var isReadingBody: Bool {
        if case .body = input { return true }
        return false
    }

    /// Whether output may still be written.
    var isWritable: Bool { output == .open || output == .closeWhenFlushed }

    /// The first instant the timer must fire at, for a connection that just opened.
    var firstDeadline: UInt64 { lastActivity + min(timeouts.idle, timeouts.requestHead) }

    /// Whether the connection may switch protocols now: its request did not ask to be the
    /// last, and the server is not shutting down (a new protocol would outlive the drain).
    var canUpgrade: Bool {
        guard !isQuiescing else { return false }
        switch input {
        case .idle, .head: return true
        case .body, .stopped: return false
        }
    }

    /// When a blocked output closes the connection; `.max` when it is not blocked.
    var writeDeadline: UInt64 {
        guard let since = outputBlockedSince, timeouts.write > 0 else { return .max }
        return since &+ timeouts.write
    }
}
