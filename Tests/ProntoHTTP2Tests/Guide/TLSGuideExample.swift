import Pronto
import ProntoHTTP2
import ProntoTLS

// BEGIN GUIDE EXAMPLE
/// An app on HTTPS with HTTP/2 (by ALPN) and HTTP/1.1, its certificate reloaded on SIGHUP.
func makeSecureApp(certificate: String, key: String, port: Int = 8443) async throws -> App {
    var configuration = ServerConfiguration(target: .tcp(host: "0.0.0.0", port: port))
    let tls = try TLSPipeline(
        certificateChainPath: certificate, privateKeyPath: key,
        http2: HTTP2Configuration(maxConcurrentStreams: 100, maxConnectionAge: .hours(1))
    )
    configuration.connectionPipeline = tls
    await tls.certificates.reloadOnHangup(logger: configuration.logger)

    let app = App(configuration: configuration)
    app.get("/hello/{name}") { request in "Hello \(request.parameter("name")!)\n" }
    return app
}
// END GUIDE EXAMPLE
