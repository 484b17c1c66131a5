import Pronto
import ProntoCompression
import ProntoTestSupport

/// A text of `count` bytes that compresses like real text (repetitive, not uniform).
func sampleText(_ count: Int) -> String {
    let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    var text = ""
    var i = 0
    while text.utf8.count < count {
        text += words[(i * 7 + i / 3) % words.count] + (i % 11 == 0 ? "\n" : " ")
        i += 1
    }
    return String(text.utf8.prefix(count))!
}

/// JSON-like text of about `count` bytes: records with ids, names and flags.
func sampleJSON(_ count: Int) -> String {
    var json = "["
    var i = 0
    while json.utf8.count < count - 100 {
        json += #"{"id":\#(i),"name":"user \#(i % 97)","email":"user\#(i)@example.com","active":\#(i % 3 == 0),"score":\#(i * 37 % 1000)},"#
        i += 1
    }
    json += #"{"id":-1}]"#
    return json
}

/// An app with `middleware` (the defaults when nil) in front of the routes `routes` adds.
func compressingApp(_ middleware: CompressionMiddleware? = nil, _ routes: (App) -> Void) throws -> App {
    let app = App(configuration: quietConfiguration())
    app.use(try middleware ?? CompressionMiddleware())
    routes(app)
    return app
}

let acceptGzip = [("Accept-Encoding", "gzip, deflate, br")]
