// The Compression guide's example, verbatim between the markers: CompressionGuideTests
// checks that Sources/ProntoCompression/ProntoCompression.docc/Compression.md shows exactly
// this code, and runs it.
import Pronto
import ProntoCompression

// BEGIN GUIDE EXAMPLE
func makeCompressingApp() throws -> App {
    let app = App()
    // gzip or deflate, for clients that accept it, on text, JSON, JavaScript, XML and SVG
    // bodies of 1 KiB or more.
    app.use(try CompressionMiddleware())
    app.get("/report") { _ in
        String(repeating: "one line of a long report\n", count: 100)  // still a synchronous route
    }
    app.get("/ticks") { _ in
        Response(contentType: "text/event-stream", body: .stream(ResponseBodyStream { writer in
            for tick in 1...3 {
                try await writer.write("data: tick \(tick)\n\n")  // decodable as soon as it arrives
            }
        }))
    }
    return app
}
// END GUIDE EXAMPLE
