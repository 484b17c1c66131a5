import Foundation
@testable import ProntoCore
import Testing

/// Development reload's parts; the whole (watch, build, swap, error page) runs with real
/// processes in scripts/supervisor.py's `reload` case.
@Suite("Development reload")
struct ReloadTests {
    @Test("source changes are seen in watched folders and folders made later, not in hidden ones or for other files")
    func watcher() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-watch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/Sources/App", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/.build", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let watcher = try SourceWatcher(folders: [root], suffixes: [".swift"])
        defer { watcher.close() }
        #expect(!watcher.readChanges())

        // inotify queues the event during the write's own system calls: no waiting needed.
        try "let a = 1".write(toFile: root + "/Sources/App/main.swift", atomically: false, encoding: .utf8)
        #expect(watcher.readChanges())
        #expect(!watcher.readChanges(), "each change is reported once")

        try "notes".write(toFile: root + "/Sources/App/notes.txt", atomically: false, encoding: .utf8)
        try "built".write(toFile: root + "/.build/main.swift", atomically: false, encoding: .utf8)
        #expect(!watcher.readChanges(), "neither another kind of file nor the build's folder")

        try FileManager.default.createDirectory(atPath: root + "/Sources/Lib", withIntermediateDirectories: false)
        _ = watcher.readChanges()
        try "let b = 2".write(toFile: root + "/Sources/Lib/lib.swift", atomically: true, encoding: .utf8)  // a rename into place
        #expect(watcher.readChanges(), "a folder made after the start is watched too")
    }

    @Test("the running executable's package, product and configuration are found from its path")
    func runningExecutable() throws {
        let reload = try ReloadConfiguration.forRunningExecutable()
        // The test runner is itself a product of this package, in its .build folder.
        #expect(FileManager.default.fileExists(atPath: reload.workingDirectory + "/Package.swift"), "\(reload.workingDirectory)")
        #expect(reload.watchedDirectories == [reload.workingDirectory])
        #expect(Array(reload.buildCommand.prefix(3)) == ["swift", "build", "--product"])
        let executable = ProcessSpawner.currentExecutable()
        #expect(reload.buildCommand[3] == String(executable.split(separator: "/").last!))
        #expect(reload.buildCommand.contains("release") == executable.contains("/release/"))
    }

    @Test("the error page shows the compiler's output escaped, as a 503 the browser retries")
    func errorPage() {
        let response = BuildErrorPage.response("main.swift:1:5: error: cannot find 'x' in <scope> & \"more\"", command: ["swift", "build"])
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers["Retry-After"] == "2")
        guard case .string(let page) = response.body else {
            Issue.record("expected a text body")
            return
        }
        #expect(page.contains("main.swift:1:5: error: cannot find 'x' in &lt;scope&gt; &amp; &quot;more&quot;"))
        #expect(page.contains("<code>swift build</code>"))
    }
}
