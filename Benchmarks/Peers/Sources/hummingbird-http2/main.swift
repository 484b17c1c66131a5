// hummingbird-http2: Hummingbird 2's HTTP/2 server, a peer for Pronto's HTTP/2 benchmarks.
//
//   GET /plaintext -> "Hello, World!"
//
// Usage: hummingbird-http2 --port 8443 --tls-cert cert.pem --tls-key key.pem   (HTTP/2 by ALPN, HTTP/1.1 beside)
//        hummingbird-http2 --port 8082                                            (cleartext HTTP/2, prior knowledge)

import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOPosix
import NIOSSL

var host = "127.0.0.1"
var port = 8080
var threads = 1
var certificate: String?
var key: String?
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let name = arguments.removeFirst()
    guard !arguments.isEmpty else { fatalError("missing value for \(name)") }
    let value = arguments.removeFirst()
    switch name {
    case "--host": host = value
    case "--port": port = Int(value) ?? port
    case "--threads": threads = max(1, Int(value) ?? 1)
    case "--tls-cert": certificate = value
    case "--tls-key": key = value
    default: fatalError("unknown argument \(name)")
    }
}

let router = Router()
router.get("plaintext") { _, _ -> String in "Hello, World!" }

var logger = Logger(label: "hummingbird-http2-peer")
logger.logLevel = .warning
let server: HTTPServerBuilder
if let certificate, let key {
    let tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
    )
    server = try .http2Upgrade(tlsConfiguration: tls)
} else {
    server = .plaintextHTTP2()
}
let app = Application(
    router: router,
    server: server,
    configuration: .init(address: .hostname(host, port: port), serverName: "hummingbird"),
    eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup(numberOfThreads: threads)),
    logger: logger
)
print("hummingbird-http2 listening on \(host):\(port) (\(certificate == nil ? "h2c" : "TLS, h2 by ALPN"))")
try await app.runService()
