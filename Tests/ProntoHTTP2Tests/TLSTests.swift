import Foundation
import NIOCore
import NIOSSL
import Pronto
import ProntoHTTP2
import ProntoTLS
import ProntoTestSupport
import Testing

/// A throwaway self-signed certificate and key made with openssl in a new folder.
struct ThrowawayCertificate {
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var keyPath: String { directory.appendingPathComponent("key.pem").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try make(commonName: "first")
    }

    /// Writes a new certificate and key over the old ones.
    func make(commonName: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyPath, "-out", certificatePath, "-days", "1", "-subj", "/CN=\(commonName)",
            "-addext", "subjectAltName=DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailed()
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        var description: String { "openssl req failed: install openssl (apt-get install openssl)" }
    }
}

@Suite("TLS: ALPN, minimum version, reload, files")
struct TLSTests {
    static func clientContext(alpn: [String], maximumVersion: TLSVersion? = nil) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.applicationProtocols = alpn
        configuration.maximumTLSVersion = maximumVersion
        return try NIOSSLContext(configuration: configuration)
    }

    static func routes(_ app: App) {
        app.get("/plaintext") { _ in "Hello, World!" }
    }

    @Test("ALPN picks HTTP/2 for a client that offers h2 and HTTP/1.1 for one that offers http/1.1 or nothing")
    func alpn() async throws {
        let certificate = try ThrowawayCertificate()
        defer { certificate.remove() }
        let tls = try TLSPipeline(certificateChainPath: certificate.certificatePath, privateKeyPath: certificate.keyPath)
        let (app, port) = try await HTTP2TestApp.start(pipeline: tls, routes: Self.routes)

        let h2 = try await H2FrameClient.connect(port: port, tls: try Self.clientContext(alpn: ["h2", "http/1.1"]))
        #expect(try await h2.negotiatedProtocol() == "h2")
        try await h2.request(stream: 1, path: "/plaintext")
        #expect(String(decoding: try await h2.response(stream: 1).body, as: UTF8.self) == "Hello, World!")
        await h2.close()

        for offered in [["http/1.1"], []] {
            let h1 = try await H2FrameClient.connect(port: port, tls: try Self.clientContext(alpn: offered), sendPreface: false)
            #expect(try await h1.negotiatedProtocol() == (offered.isEmpty ? nil : "http/1.1"))
            try await h1.writeRaw(Array("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".utf8))
            try await h1.waitForClose()
            let reply = String(decoding: h1.rawBytes, as: UTF8.self)
            #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(reply.hasSuffix("Hello, World!"))
        }
        await app.shutdown()
    }

    @Test("TLS 1.2 is the minimum: a TLS 1.1 client's handshake fails")
    func minimumVersion() async throws {
        let certificate = try ThrowawayCertificate()
        defer { certificate.remove() }
        let tls = try TLSPipeline(certificateChainPath: certificate.certificatePath, privateKeyPath: certificate.keyPath)
        let (app, port) = try await HTTP2TestApp.start(pipeline: tls, routes: Self.routes)
        let old = try await H2FrameClient.connect(port: port, tls: try Self.clientContext(alpn: ["http/1.1"], maximumVersion: .tlsv11), sendPreface: false)
        try await old.waitForClose()
        await #expect(throws: (any Error).self) { try await old.negotiatedProtocol(seconds: 0.1) }
        let current = try await H2FrameClient.connect(port: port, tls: try Self.clientContext(alpn: ["http/1.1"], maximumVersion: .tlsv12), sendPreface: false)
        #expect(try await current.negotiatedProtocol() == "http/1.1")
        await current.close()
        await app.shutdown()
    }

    @Test("reload: new connections get the new certificate, open ones keep going; a bad file keeps the old one")
    func reload() async throws {
        let certificate = try ThrowawayCertificate()
        defer { certificate.remove() }
        let tls = try TLSPipeline(certificateChainPath: certificate.certificatePath, privateKeyPath: certificate.keyPath)
        let (app, port) = try await HTTP2TestApp.start(pipeline: tls, routes: Self.routes)
        let context = try Self.clientContext(alpn: ["h2"])
        let first = try await H2FrameClient.connect(port: port, tls: context)
        _ = try await first.negotiatedProtocol()
        let firstCertificate = try await first.peerCertificate()

        try certificate.make(commonName: "second")
        try tls.certificates.reload()
        let second = try await H2FrameClient.connect(port: port, tls: context)
        _ = try await second.negotiatedProtocol()
        let secondCertificate = try await second.peerCertificate()
        #expect(firstCertificate != nil && secondCertificate != nil && firstCertificate != secondCertificate)
        #expect(secondCertificate == (try NIOSSLCertificate.fromPEMFile(certificate.certificatePath).first))
        // The connection made before the reload still serves.
        try await first.request(stream: 1, path: "/plaintext")
        #expect(try await first.response(stream: 1).headers.first?.status == "200")

        try "not a certificate".write(toFile: certificate.certificatePath, atomically: true, encoding: .utf8)
        #expect(throws: TLSCertificateError.self) { try tls.certificates.reload() }
        let third = try await H2FrameClient.connect(port: port, tls: context)
        _ = try await third.negotiatedProtocol()
        #expect(try await third.peerCertificate() == secondCertificate)
        for client in [first, second, third] { await client.close() }
        await app.shutdown()
    }

    @Test("a large file goes through the encryption intact, on HTTP/1.1 and HTTP/2 (not with sendfile)")
    func largeFile() async throws {
        let certificate = try ThrowawayCertificate()
        defer { certificate.remove() }
        let path = certificate.directory.appendingPathComponent("big.bin").path
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        FileManager.default.createFile(atPath: path, contents: Data(content))
        let tls = try TLSPipeline(certificateChainPath: certificate.certificatePath, privateKeyPath: certificate.keyPath)
        let (app, port) = try await HTTP2TestApp.start(pipeline: tls) { app in
            app.get("/big") { _ in Response(contentType: "application/octet-stream", body: .file(try FileBody(path: path))) }
        }
        let h1 = try await H2FrameClient.connect(port: port, tls: try Self.clientContext(alpn: ["http/1.1"]), sendPreface: false)
        try await h1.writeRaw(Array("GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".utf8))
        try await h1.waitForClose()
        let reply = h1.rawBytes
        let headEnd = try #require(reply.firstRange(of: Array("\r\n\r\n".utf8)))
        #expect(String(decoding: reply[..<headEnd.lowerBound], as: UTF8.self).contains("Content-Length: 300000"))
        #expect(Array(reply[headEnd.upperBound...]) == content)

        let h2 = try await H2FrameClient.connect(port: port, tls: try Self.clientContext(alpn: ["h2"]))
        try await h2.send(.windowUpdate, stream: 0, payload: UInt32(1 << 20).bigEndianBytes)
        try await h2.request(stream: 1, path: "/big")
        try await h2.waitFor("the first DATA") { $0.contains { $0.stream == 1 && $0.kind == .data } }
        try await h2.send(.windowUpdate, stream: 1, payload: UInt32(1 << 20).bigEndianBytes)
        #expect(try await h2.response(stream: 1).body == content)
        await h2.close()
        await app.shutdown()
    }

    @Test("a certificate or key file that cannot be used is refused with its path and the reason")
    func badFiles() throws {
        let certificate = try ThrowawayCertificate()
        defer { certificate.remove() }
        #expect(throws: TLSCertificateError.self) {
            _ = try TLSPipeline(certificateChainPath: certificate.directory.appendingPathComponent("missing.pem").path, privateKeyPath: certificate.keyPath)
        }
        do {
            _ = try TLSPipeline(certificateChainPath: certificate.certificatePath, privateKeyPath: certificate.certificatePath)
            Issue.record("a certificate given as the key was accepted")
        } catch let error as TLSCertificateError {
            #expect(error.description.contains(certificate.certificatePath))
        }
    }
}
