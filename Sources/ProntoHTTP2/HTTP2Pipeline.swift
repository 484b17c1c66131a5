import NIOCore
import ProntoCore

/// Cleartext HTTP/2 (h2c, RFC 9113 §3.3 prior knowledge) on the server's connections,
/// beside HTTP/1.1 or alone. For HTTP/2 over TLS, use ProntoTLS's `TLSPipeline` (ALPN).
///
/// ```swift
/// var configuration = ServerConfiguration(target: .tcp(host: "127.0.0.1", port: 8080))
/// configuration.connectionPipeline = HTTP2Pipeline()  // h2c and HTTP/1.1 on one port
/// ```
/// Requests reach the same handler, router and middleware as HTTP/1.1 ones.
public struct HTTP2Pipeline: ConnectionPipeline {
    /// Which protocols a connection may speak.
    public enum Protocols: Sendable, Hashable {
        /// HTTP/2 when the connection starts with its preface, HTTP/1.1 otherwise.
        case http1AndHTTP2
        /// HTTP/2 only: a connection that does not start with the preface is closed.
        case http2Only
    }

    /// HTTP/2's limits and timeouts.
    public var configuration: HTTP2Configuration
    /// Which protocols a connection may speak.
    public var protocols: Protocols

    /// Cleartext HTTP/2 with `configuration`, beside HTTP/1.1 unless told otherwise.
    public init(configuration: HTTP2Configuration = .init(), protocols: Protocols = .http1AndHTTP2) {
        self.configuration = configuration
        self.protocols = protocols
    }

    /// Cleartext: files may be sent with `sendfile` on HTTP/1.1.
    public var transformsOutput: Bool { false }

    /// Adds the preface detector, which installs HTTP/2 or HTTP/1.1 once it has seen the
    /// connection's first bytes.
    public func configure(_ channel: any Channel, serving: ConnectionServing) throws {
        try configuration.validate()
        let configuration = self.configuration
        let http1Allowed = protocols == .http1AndHTTP2
        try channel.pipeline.syncOperations.addHandler(HTTP2PrefaceDetector(timeout: serving.configuration.requestHeadTimeout) { channel, isHTTP2 in
            if isHTTP2 {
                try HTTP2Connection.configure(channel, serving: serving, configuration: configuration)
            } else if http1Allowed {
                try serving.addHTTP1Handler(to: channel)
            } else {
                throw HTTP2PrefaceDetector.NotHTTP2()
            }
        })
    }
}
