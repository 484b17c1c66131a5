import Logging
import NIOConcurrencyHelpers

/// Collects the engine's log lines, to check what it says about a bad response.
public final class LogCapture: LogHandler, @unchecked Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .error

    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    public func log(event: LogEvent) {
        let all = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.withLockedValue { $0.append("\(event.message) \(all)") }
    }
    public var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }
    public var logger: Logger { Logger(label: "capture") { _ in self } }
}
