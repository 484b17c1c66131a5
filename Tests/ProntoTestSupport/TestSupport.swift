import Logging
import ProntoCore
import ProntoTesting

/// Both ways of reaching the server: every engine test runs in each.
public let bothModes = TestMode.allCases

/// A timeout short enough for a test: in-process the clock is virtual, so any value works;
/// live it is real, so it must outlast a loaded machine's scheduling delays between the
/// test's steps (the test then waits for the close with a bound, never a sleep).
public func shortTimeout(_ mode: TestMode) -> TimeAmount {
    mode == .live ? .seconds(2) : .milliseconds(150)
}

/// Tests log only what matters (a failing test's server errors), not every start and stop.
public func quietConfiguration() -> ServerConfiguration {
    var logger = Logger(label: "pronto-test")
    logger.logLevel = .critical
    return ServerConfiguration(logger: logger)
}

extension TestConnection {
    /// `GET path` with a Host header, in one request.
    public func get(_ path: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("GET", path, headers: headers)
    }
}
