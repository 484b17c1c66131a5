import Logging
import NIOCore
import Pronto
import ProntoHTTP2
import ProntoTestSupport

/// An app on a loopback port with a connection pipeline (h2c or TLS), for the tests.
enum HTTP2TestApp {
    /// Starts an app whose routes `routes` adds, behind `pipeline`; returns it and its port.
    static func start(
        pipeline: any ConnectionPipeline = HTTP2Pipeline(),
        configure: (inout ServerConfiguration) -> Void = { _ in },
        routes: (App) -> Void
    ) async throws -> (app: App, port: Int) {
        var configuration = quietConfiguration()
        configuration.target = .tcp(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        configuration.connectionPipeline = pipeline
        configure(&configuration)
        let app = App(configuration: configuration, handlesSignals: false)
        routes(app)
        let server = try await app.start()
        return (app, server.port!)
    }
}

extension H2FrameClient.Frame {
    /// The SETTINGS parameters of a SETTINGS frame.
    var settings: [UInt16: UInt32] {
        var result: [UInt16: UInt32] = [:]
        var index = 0
        while index + 6 <= payload.count {
            let id = UInt16(payload[index]) << 8 | UInt16(payload[index + 1])
            result[id] = UInt32(bytes: payload[(index + 2)..<(index + 6)])
            index += 6
        }
        return result
    }
}
