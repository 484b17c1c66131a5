/// Where to send requests: `http://host[:port][/path[?query]]`.
public struct TargetURL: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The request target: path and query, "/" when the URL has none.
    public var path: String
    /// Whether the port was given in the URL (the Host header then names it).
    public var hasExplicitPort: Bool

    public init(host: String, port: Int, path: String = "/") {
        self.host = host
        self.port = port
        self.path = path
        self.hasExplicitPort = true
    }

    public init(parsing url: String) throws {
        guard let schemeEnd = url.range(of: "://") else { throw BenchError.invalidURL(url) }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" else { throw BenchError.unsupportedScheme(scheme) }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.first == "?" { target = "/" + target }
        if let fragment = target.firstIndex(of: "#") { target = String(target[..<fragment]) }

        var hostPart = Substring(authority)
        var portValue = 80
        var explicit = false
        if hostPart.first == "[" {
            // [IPv6]:port
            guard let close = hostPart.firstIndex(of: "]") else { throw BenchError.invalidURL(url) }
            let after = hostPart[hostPart.index(after: close)...]
            let inner = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
            if after.first == ":" {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw BenchError.invalidURL(url) }
                portValue = p
                explicit = true
            } else if !after.isEmpty {
                throw BenchError.invalidURL(url)
            }
            hostPart = inner
        } else if let colon = hostPart.lastIndex(of: ":") {
            guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
                throw BenchError.invalidURL(url)
            }
            portValue = p
            explicit = true
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty, !hostPart.contains("@") else { throw BenchError.invalidURL(url) }
        self.host = String(hostPart)
        self.port = portValue
        self.path = target
        self.hasExplicitPort = explicit
    }

    /// The value of the Host header: the authority as written.
    public var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return hasExplicitPort ? "\(h):\(port)" : h
    }

    public var description: String { "http://\(hostHeader)\(path)" }
}

/// Everything `pronto-bench load` needs to run.
public struct LoadConfiguration: Sendable {
    public var url: TargetURL
    /// Open connections, spread round-robin over the event loops.
    public var connections = 10
    /// Event loop threads.
    public var threads = 1
    /// Run length in seconds. nil: until `requests` are done (one of the two must be set).
    public var duration: Double? = 10
    /// Stop after this many requests in total (split evenly over the connections).
    public var requests: Int?
    /// Requests written at once per connection; the next batch goes when all are answered.
    /// With `rate`, the most requests in flight per connection.
    public var pipeline = 1
    public var method = "GET"
    /// Extra headers, "Name: value".
    public var headers: [String] = []
    public var body: [UInt8]? = nil
    /// Total requests per second over all connections (wrk2's fixed rate). nil: as fast as
    /// possible.
    public var rate: Double?
    /// A request unanswered this long counts as a timeout and its connection is replaced.
    public var timeout: Double = 2
    /// Adds `X-Pronto-Seq: n` to the requests and checks that each response echoes the value
    /// of the request it answers (needs a server that echoes it; for testing order).
    public var checkSequence = false

    public init(url: TargetURL) {
        self.url = url
    }

    /// Throws `BenchError.invalidOption` for a configuration that cannot run.
    public func validate() throws {
        guard connections >= 1 else { throw BenchError.invalidOption("--connections must be at least 1") }
        guard threads >= 1 else { throw BenchError.invalidOption("--threads must be at least 1") }
        guard pipeline >= 1 && pipeline <= 1024 else { throw BenchError.invalidOption("--pipeline must be in 1...1024") }
        guard duration != nil || requests != nil else {
            throw BenchError.invalidOption("give --duration or --requests")
        }
        if let duration { guard duration > 0 else { throw BenchError.invalidOption("--duration must be positive") } }
        if let requests { guard requests >= 1 else { throw BenchError.invalidOption("--requests must be at least 1") } }
        if let rate { guard rate > 0 else { throw BenchError.invalidOption("--rate must be positive") } }
        guard timeout > 0 else { throw BenchError.invalidOption("--timeout must be positive") }
        for header in headers {
            guard let colon = header.firstIndex(of: ":"), colon != header.startIndex else {
                throw BenchError.invalidOption("header \"\(header)\" is not \"Name: value\"")
            }
            guard !header.contains("\r") && !header.contains("\n") else {
                throw BenchError.invalidOption("header \"\(header)\" contains CR or LF")
            }
        }
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw BenchError.invalidOption("method \"\(method)\" is not a token")
        }
    }

    /// Whether responses have no body (HEAD).
    public var isHead: Bool { method.uppercased() == "HEAD" }
}
