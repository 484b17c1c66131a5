import NIOCore

extension ServerConfiguration {
    /// Checks every value, so that a mistake is an error saying what to change rather than
    /// a trap, a silent clamp or a server that refuses every request.
    /// ``Server/start()`` and ``ServerConnection/configure(_:configuration:handler:)`` call
    /// it before they bind or install anything.
    ///
    /// - Throws: ``ConfigurationError`` naming the first invalid property, its value and
    ///   what a valid value is.
    public func validate() throws {
        try Self.validate(target, property: "ServerConfiguration.target")
        try Self.validateEventLoopThreads(eventLoopThreads)
        if let (name, value, expected) = limits.firstInvalid {
            throw ConfigurationError(property: "ServerConfiguration.limits.\(name)", value: "\(value)", expected: expected)
        }
        try Self.requirePositive(idleTimeout, "ServerConfiguration.idleTimeout",
                                 "a positive duration, such as .seconds(60) (the default)")
        try Self.requirePositive(requestHeadTimeout, "ServerConfiguration.requestHeadTimeout",
                                 "a positive duration, such as .seconds(10) (the default)")
        if let rate = minimumRequestBodyRate {
            guard rate.bytesPerSecond >= 1, rate.gracePeriod.nanoseconds >= 0 else {
                throw ConfigurationError(
                    property: "ServerConfiguration.minimumRequestBodyRate",
                    value: "\(rate.bytesPerSecond) bytes/s after \(rate.gracePeriod)",
                    expected: "at least 1 byte per second after a grace period of 0 or more (the default is 1024 after .seconds(10); nil sets no minimum)")
            }
        }
        try Self.requirePositive(writeTimeout, "ServerConfiguration.writeTimeout",
                                 "a positive duration, such as .seconds(30) (the default)")
        guard maxPipelinedRequests >= 1 else {
            throw ConfigurationError(
                property: "ServerConfiguration.maxPipelinedRequests", value: "\(maxPipelinedRequests)",
                expected: "at least 1 (1 answers a connection's requests one at a time; the default is 128)")
        }
        guard shutdownGracePeriod.nanoseconds >= 0 else {
            throw ConfigurationError(
                property: "ServerConfiguration.shutdownGracePeriod", value: "\(shutdownGracePeriod)",
                expected: "0 or a positive duration (0 closes open connections at once; the default is .seconds(10))")
        }
        guard shutdownLinger.nanoseconds >= 0 else {
            throw ConfigurationError(
                property: "ServerConfiguration.shutdownLinger", value: "\(shutdownLinger)",
                expected: "0 or a positive duration (0 closes idle connections at once when a shutdown begins; the default is .seconds(1))")
        }
        guard maxConnections >= 1 else {
            throw ConfigurationError(
                property: "ServerConfiguration.maxConnections", value: "\(maxConnections)",
                expected: "at least 1 connection (the default, ServerConfiguration.defaultMaxConnections, follows the file-descriptor limit)")
        }
        guard backlog >= 1 else {
            throw ConfigurationError(
                property: "ServerConfiguration.backlog", value: "\(backlog)",
                expected: "at least 1 pending connection (the default is 4096)")
        }
        guard (0...1024).contains(workers) else {
            throw ConfigurationError(
                property: "ServerConfiguration.workers", value: "\(workers)",
                expected: "0 (serve in this process, the default) or 1...1024 worker processes under a supervisor (one per core is usual)")
        }
        if let path = controlSocketPath, let problem = Self.unixSocketPathProblem(path) {
            throw ConfigurationError(property: "ServerConfiguration.controlSocketPath", value: path, quoted: true, expected: problem)
        }
    }

    /// The longest UNIX socket path, in bytes: NIO's portable limit (`sun_path` is 108
    /// bytes on Linux and 104 on macOS, each with the terminating NUL).
    static let maxUnixSocketPathLength = 103

    static func validateEventLoopThreads(_ threads: Int) throws {
        guard threads >= 1 else {
            throw ConfigurationError(
                property: "ServerConfiguration.eventLoopThreads", value: "\(threads)",
                expected: "at least 1 thread (the default, System.coreCount, runs one per core)")
        }
    }

    /// Checks a bind target; `property` names where it came from (a property or an
    /// environment variable) in the error.
    static func validate(_ target: BindTarget, property: String) throws {
        switch target {
        case .tcp(let host, let port):
            let value = ".tcp(host: \(String(reflecting: host)), port: \(port))"
            guard (0...65535).contains(port) else {
                throw ConfigurationError(property: property, value: value,
                                         expected: "a TCP port in 0...65535 (0 picks a free port)")
            }
            guard !host.isEmpty else {
                throw ConfigurationError(property: property, value: value,
                                         expected: #"a host to listen on, such as "127.0.0.1" (this machine only) or "0.0.0.0" (every interface)"#)
            }
        case .unixSocket(let path):
            if let problem = unixSocketPathProblem(path) {
                throw ConfigurationError(property: property, value: ".unixSocket(path: \(String(reflecting: path)))", expected: problem)
            }
        }
    }

    /// What is wrong with a UNIX socket path, as what a valid one is; nil when it is valid.
    package static func unixSocketPathProblem(_ path: String) -> String? {
        if path.isEmpty { return #"the path of the socket file to create, such as "/tmp/app.sock""# }
        if path.utf8.contains(0) { return "a path without NUL bytes" }
        let length = path.utf8.count
        if length > maxUnixSocketPathLength {
            return "a path of at most \(maxUnixSocketPathLength) bytes (this one has \(length)): "
                + "UNIX socket addresses are that short; use a shorter directory, such as /tmp or /run"
        }
        return nil
    }

    private static func requirePositive(_ amount: TimeAmount, _ property: String, _ expected: String) throws {
        guard amount.nanoseconds > 0 else {
            throw ConfigurationError(property: property, value: "\(amount)", expected: expected)
        }
    }
}
