import Logging
import NIOConcurrencyHelpers
import NIOSSL
import UnixSignals

/// A certificate chain and private key read from PEM files, as a TLS context every new
/// connection uses; ``reload()`` (or SIGHUP, see ``reloadOnHangup(logger:)``) reads them
/// again without dropping a connection: open connections keep the context they started
/// with, new ones get the new one.
public final class TLSCertificates: Sendable {
    /// The PEM file of the certificate chain (the server's certificate first).
    public let certificateChainPath: String
    /// The PEM file of the private key.
    public let privateKeyPath: String
    /// The ALPN protocols offered, in order of preference.
    public let applicationProtocols: [String]
    private let context: NIOLockedValueBox<NIOSSLContext>

    /// Reads the files and makes the context: TLS 1.2 at least, the given ALPN protocols.
    ///
    /// - Throws: ``TLSCertificateError`` naming the file that cannot be read or used.
    public init(certificateChainPath: String, privateKeyPath: String, applicationProtocols: [String] = ["h2", "http/1.1"]) throws {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.applicationProtocols = applicationProtocols
        self.context = NIOLockedValueBox(try Self.makeContext(certificateChainPath, privateKeyPath, applicationProtocols))
    }

    /// The context for a new connection.
    public var current: NIOSSLContext { context.withLockedValue { $0 } }

    /// Reads the files again and uses them for new connections. On an error the old
    /// certificate stays in use and the error is thrown.
    public func reload() throws {
        let made = try Self.makeContext(certificateChainPath, privateKeyPath, applicationProtocols)
        context.withLockedValue { $0 = made }
    }

    /// Reloads on every SIGHUP (the usual signal to re-read certificates: certbot's and
    /// systemd's reload), logging the outcome, until the task is cancelled. SIGHUP no
    /// longer ends the process meanwhile.
    @discardableResult
    public func reloadOnHangup(logger: Logger) async -> Task<Void, Never> {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        return Task {
            for await _ in signals {
                do {
                    try reload()
                    logger.info("TLS certificate reloaded", metadata: ["certificate": "\(certificateChainPath)"])
                } catch {
                    logger.error("TLS certificate reload failed; the old one stays in use", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    private static func makeContext(_ chainPath: String, _ keyPath: String, _ protocols: [String]) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(chainPath)
        } catch {
            throw TLSCertificateError(path: chainPath, reason: "cannot read a PEM certificate chain from it (\(error))")
        }
        guard !chain.isEmpty else { throw TLSCertificateError(path: chainPath, reason: "it holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw TLSCertificateError(path: keyPath, reason: "cannot read a PEM private key from it (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = protocols
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSCertificateError(path: keyPath, reason: "the key does not fit the certificate in \(chainPath), or is unusable (\(error))")
        }
    }
}

/// A certificate or key file cannot be used.
public struct TLSCertificateError: Error, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What is wrong with it.
    public let reason: String
    public var description: String { "TLS: \(path): \(reason)" }
}
