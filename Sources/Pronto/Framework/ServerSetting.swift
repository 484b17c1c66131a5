/// A server setting read from outside the code: an environment variable
/// (``environmentVariable``, `PRONTO_PORT`) for `ServerConfiguration/fromEnvironment(_:)`,
/// or a configuration key (``configKey``, `pronto.port`) for a swift-configuration reader
/// (the ProntoConfiguration product: JSON files, command-line `--pronto-port`, environment).
public enum ServerSetting: String, CaseIterable, Sendable {
    case host, port, unixSocket, workers, threads, controlSocket, reusePort
    case maxRequestLine, maxHeaderSize, maxHeaders, maxBody
    case idleTimeout, requestTimeout, shutdownGrace, shutdownLinger, writeTimeout
    case maxConnections, minBodyRate

    /// `PRONTO_` and the name in upper snake case: `maxBody` is `PRONTO_MAX_BODY`.
    public var environmentVariable: String {
        var name = "PRONTO_"
        for character in rawValue {
            if character.isUppercase { name.append("_") }
            name.append(contentsOf: character.uppercased())
        }
        return name
    }

    /// The configuration key's components, `["pronto", "maxBody"]`: `pronto.maxBody` in a
    /// JSON file's nesting, `--pronto-max-body` on the command line, `PRONTO_MAX_BODY` in
    /// swift-configuration's environment provider.
    public var configKey: [String] { ["pronto", rawValue] }

    /// What the setting does, and its default.
    public var summary: String {
        switch self {
        case .host: "the address to listen on (default 127.0.0.1)"
        case .port: "the TCP port, 0 picks a free one (default 8080)"
        case .unixSocket: "listen on this UNIX domain socket path instead of TCP"
        case .workers: "worker processes under a supervisor, 0 for none (default 0)"
        case .threads: "event-loop threads (default: one per core; 1 with workers)"
        case .controlSocket: "the supervisor's control socket path (with workers)"
        case .reusePort: "SO_REUSEPORT, 1 or 0 (default 0)"
        case .maxRequestLine: "longest request line in bytes (default 8192; 414 past it)"
        case .maxHeaderSize: "largest header section in bytes (default 16384; 431 past it)"
        case .maxHeaders: "most header fields (default 100; 431 past it)"
        case .maxBody: "largest collected request body in bytes (default 1 MiB; 413 past it)"
        case .idleTimeout: "seconds a keep-alive connection may stay idle (default 60)"
        case .requestTimeout: "seconds a request head may take to arrive (default 10; 408 past it)"
        case .shutdownGrace: "seconds a graceful shutdown waits for requests in flight (default 10)"
        case .shutdownLinger: "seconds a closing connection keeps reading before it closes (default 1)"
        case .writeTimeout: "seconds the output may stay blocked by a client that does not read (default 30)"
        case .maxConnections: "connections served at once; more wait in the backlog (default: from the descriptor limit)"
        case .minBodyRate: "slowest average request body rate in bytes/s after 10 s, 0 for none (default 1024)"
        }
    }
}
