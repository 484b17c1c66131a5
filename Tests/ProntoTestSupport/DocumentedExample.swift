import Foundation
import Testing

/// The repository's root folder (tests read the README and guides from it).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Checks that the document at `documentPath` shows, verbatim in a Swift code block, the code
/// of `sourcePath` between `// BEGIN <marker>` and `// END <marker>`: the code a test
/// compiles and runs is the code the reader sees.
public func expectDocumentShowsExample(
    _ documentPath: String, from sourcePath: String, marker: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let document = try String(contentsOf: repositoryRoot.appendingPathComponent(documentPath), encoding: .utf8)
    let source = try String(contentsOf: repositoryRoot.appendingPathComponent(sourcePath), encoding: .utf8)
    let example = try #require(
        source.components(separatedBy: "// BEGIN \(marker)\n").dropFirst().first?.components(separatedBy: "// END \(marker)").first,
        "\(sourcePath) has no // BEGIN \(marker) ... // END \(marker) block", sourceLocation: sourceLocation
    )
    #expect(document.contains("```swift\n" + example + "```"), "\(documentPath) must show \(sourcePath)'s example verbatim", sourceLocation: sourceLocation)
}
