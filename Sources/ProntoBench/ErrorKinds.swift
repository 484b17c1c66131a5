/// The kinds of failure a benchmark run counts, as wrk reports them plus the ones wrk folds
/// into "Non-2xx or 3xx responses".
public enum ErrorKind: String, CaseIterable, Codable, Sendable {
    /// A connection could not be established (refused, unreachable, …).
    case connect
    /// The connection failed or was closed by the peer while answers were owed.
    case read
    /// Writing a request failed.
    case write
    /// A request got no answer within the timeout; its connection is closed and reopened.
    case timeout
    /// A complete response with a 4xx status.
    case status4xx
    /// A complete response with a 5xx status.
    case status5xx
    /// Bytes that are not a valid HTTP/1.1 response, a response nobody asked for, or (with
    /// sequence checking) a response answering another request than the one due.
    case malformed
}

/// Error counters, one per `ErrorKind`. A plain value: each event loop keeps its own and the
/// run adds them up at the end.
public struct ErrorCounts: Equatable, Codable, Sendable {
    public var connect = 0
    public var read = 0
    public var write = 0
    public var timeout = 0
    public var status4xx = 0
    public var status5xx = 0
    public var malformed = 0

    public init() {}

    public subscript(kind: ErrorKind) -> Int {
        get {
            switch kind {
            case .connect: connect
            case .read: read
            case .write: write
            case .timeout: timeout
            case .status4xx: status4xx
            case .status5xx: status5xx
            case .malformed: malformed
            }
        }
        set {
            switch kind {
            case .connect: connect = newValue
            case .read: read = newValue
            case .write: write = newValue
            case .timeout: timeout = newValue
            case .status4xx: status4xx = newValue
            case .status5xx: status5xx = newValue
            case .malformed: malformed = newValue
            }
        }
    }

    /// Every error of every kind.
    public var total: Int { ErrorKind.allCases.reduce(0) { $0 + self[$1] } }

    /// Socket-level errors only (what wrk calls "Socket errors").
    public var socket: Int { connect + read + write + timeout }

    public mutating func add(_ other: ErrorCounts) {
        for kind in ErrorKind.allCases { self[kind] += other[kind] }
    }
}

/// Errors that stop a run before it starts.
public enum BenchError: Error, CustomStringConvertible, Equatable {
    case invalidURL(String)
    case unsupportedScheme(String)
    case invalidOption(String)
    case cannotResolve(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL: \(url) (expected http://host[:port][/path])"
        case .unsupportedScheme(let scheme): "unsupported scheme \(scheme): only http is supported"
        case .invalidOption(let why): "invalid option: \(why)"
        case .cannotResolve(let host): "cannot resolve host \(host)"
        }
    }
}
