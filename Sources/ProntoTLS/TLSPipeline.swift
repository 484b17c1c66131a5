import NIOCore
import NIOSSL
import ProntoCore
import ProntoHTTP2

/// TLS on the server's connections, with HTTP/2 and HTTP/1.1 chosen by ALPN.
///
/// ```swift
/// var configuration = ServerConfiguration(target: .tcp(host: "0.0.0.0", port: 8443))
/// configuration.connectionPipeline = try TLSPipeline(
///     certificateChainPath: "/etc/pronto/cert.pem", privateKeyPath: "/etc/pronto/key.pem"
/// )
/// ```
/// A client that offers `h2` speaks HTTP/2, any other HTTP/1.1; the same handler serves
/// both. TLS 1.2 is the minimum. Files are streamed through the encryption instead of
/// `sendfile`. A handshake must complete within the server's request-head timeout.
public struct TLSPipeline: ConnectionPipeline {
    /// The certificate and key (reloadable).
    public let certificates: TLSCertificates
    /// HTTP/2's settings, or nil to offer HTTP/1.1 only.
    public let http2: HTTP2Configuration?

    /// TLS with the PEM files given, HTTP/2 offered unless `http2` is nil.
    ///
    /// - Throws: ``TLSCertificateError`` when a file cannot be read or used.
    public init(certificateChainPath: String, privateKeyPath: String, http2: HTTP2Configuration? = .init()) throws {
        try http2?.validate()
        self.certificates = try TLSCertificates(
            certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath,
            applicationProtocols: http2 == nil ? ["http/1.1"] : ["h2", "http/1.1"]
        )
        self.http2 = http2
    }

    /// TLS with `certificates`, HTTP/2 offered unless `http2` is nil.
    public init(certificates: TLSCertificates, http2: HTTP2Configuration? = .init()) {
        self.certificates = certificates
        self.http2 = http2
    }

    /// Encrypts: files are not sent with `sendfile`.
    public var transformsOutput: Bool { true }

    /// Adds the TLS handler and the negotiation step that installs HTTP/2 or HTTP/1.1.
    public func configure(_ channel: any Channel, serving: ConnectionServing) throws {
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(NIOSSLServerHandler(context: certificates.current))
        let http2 = self.http2
        try operations.addHandler(ALPNSelection(timeout: serving.configuration.requestHeadTimeout) { channel, negotiated in
            if negotiated == "h2", let http2 {
                try HTTP2Connection.configure(channel, serving: serving, configuration: http2)
            } else {
                try serving.addHTTP1Handler(to: channel)
            }
        })
    }
}
