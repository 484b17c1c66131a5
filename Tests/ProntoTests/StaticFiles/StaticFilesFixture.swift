import Foundation
import Pronto
import ProntoTestSupport

/// A directory tree for the static-file tests, in a fresh temporary directory:
///
/// ```
/// <base>/secret.txt            must never be served
/// <base>/public2/x.txt         a sibling whose name starts with the root's
/// <base>/public/               the root
///   hello.txt, index.html, a b.txt, .env, data.bin (300 bytes), big.bin (300 000), empty.txt
///   docs/index.html, empty/ (no index)
///   app.js + app.js.br + app.js.gz, style.css + style.css.gz
///   link-inside -> hello.txt, link-outside -> ../secret.txt, dir-outside -> ..,
///   link-prefix -> ../public2/x.txt, fifo (a named pipe)
/// ```
final class StaticFilesFixture: Sendable {
    let base: String
    var root: String { base + "/public" }
    static let secret = "TOP SECRET, never served\n"
    static let hello = "Hello, static world!\n"
    static let data: [UInt8] = (0..<300).map { UInt8($0 % 251) }
    /// Larger than the engine's copy threshold (64 KiB), so it goes out with `sendfile`,
    /// and than a multipart piece (64 KiB), so a range is read in several.
    static let big: [UInt8] = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

    init() throws {
        let fm = FileManager.default
        base = fm.temporaryDirectory.appendingPathComponent("pronto-static-\(UUID().uuidString.prefix(8))").path
        let root = base + "/public"
        for directory in [root, root + "/docs", root + "/empty", base + "/public2"] {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        func write(_ path: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        try write(base + "/secret.txt", Self.secret)
        try write(base + "/public2/x.txt", Self.secret)
        try write(root + "/hello.txt", Self.hello)
        try write(root + "/index.html", "<h1>home</h1>\n")
        try write(root + "/a b.txt", "spaced\n")
        try write(root + "/.env", Self.secret)
        try Data(Self.data).write(to: URL(fileURLWithPath: root + "/data.bin"))
        try Data(Self.big).write(to: URL(fileURLWithPath: root + "/big.bin"))
        try write(root + "/empty.txt", "")
        try write(root + "/docs/index.html", "<h1>docs</h1>\n")
        try write(root + "/app.js", "console.log('identity')\n")
        try write(root + "/app.js.br", "BROTLI")
        try write(root + "/app.js.gz", "GZIP!")
        try write(root + "/style.css", "body { color: red }\n")
        try write(root + "/style.css.gz", "GZ-CSS")
        try fm.createSymbolicLink(atPath: root + "/link-inside", withDestinationPath: "hello.txt")
        try fm.createSymbolicLink(atPath: root + "/link-outside", withDestinationPath: "../secret.txt")
        try fm.createSymbolicLink(atPath: root + "/dir-outside", withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: root + "/link-prefix", withDestinationPath: "../public2/x.txt")
        guard mkfifo(root + "/fifo", 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: base)
    }

    /// An app serving the root at `/static`, and a route of its own beside it.
    func app(_ options: StaticFileOptions = StaticFileOptions()) -> App {
        let app = App(configuration: quietConfiguration())
        app.static("/static", directory: root, options: options)
        app.get("/static-route") { _ in "a route beside the mount" }
        return app
    }
}
