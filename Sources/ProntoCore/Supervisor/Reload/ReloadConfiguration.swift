import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Development reload (``ServerConfiguration/reload``): the supervisor watches the sources,
/// rebuilds when one changes, and swaps its worker for one of the new build, keeping the
/// listening socket. Requests that arrive during the build wait in the socket's queue; a
/// failed build is printed and served as a 503 page with the compiler's output until the
/// next good one.
public struct ReloadConfiguration: Sendable, Equatable {
    /// Folders watched, with their subfolders (except those whose name starts with a dot,
    /// such as `.build` and `.git`, which the build itself writes to).
    public var watchedDirectories: [String]
    /// The command that rebuilds the executable (its first element is looked up in `PATH`).
    public var buildCommand: [String]
    /// Where the build command runs.
    public var workingDirectory: String
    /// The endings of the file names whose change starts a build.
    public var fileSuffixes: [String]
    /// How long after the last change the build starts: an editor saving several files,
    /// or a `git checkout`, makes one build, not one per file (default 150 ms).
    public var settleDelay: TimeAmount

    /// A reload configuration; every argument has the default described on its property.
    public init(
        watchedDirectories: [String], buildCommand: [String], workingDirectory: String,
        fileSuffixes: [String] = [".swift", ".c", ".h", ".json", ".html", ".css", ".js"],
        settleDelay: TimeAmount = .milliseconds(150)
    ) {
        self.watchedDirectories = watchedDirectories
        self.buildCommand = buildCommand
        self.workingDirectory = workingDirectory
        self.fileSuffixes = fileSuffixes
        self.settleDelay = settleDelay
    }

    /// For the running executable of a SwiftPM package: the package is the folder holding
    /// the `.build` folder the executable was built into; it is watched whole and rebuilt
    /// with `swift build --product NAME` (with `-c release` for a release build).
    ///
    /// - Throws: ``SupervisorError/cannotReload(_:)`` when the executable was not built in
    ///   a package's `.build` folder (then give the folders and command yourself).
    public static func forRunningExecutable() throws -> ReloadConfiguration {
        let executable = ProcessSpawner.currentExecutable()
        var components = executable.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let product = components.last, let build = components.lastIndex(of: ".build"), build > 0 else {
            throw SupervisorError.cannotReload(
                "\(executable) is not in a SwiftPM package's .build folder; set ReloadConfiguration's folders and build command")
        }
        let release = components[build...].contains("release")
        components.removeSubrange(build...)
        let package = components.joined(separator: "/")
        return ReloadConfiguration(
            watchedDirectories: [package],
            buildCommand: ["swift", "build", "--product", product] + (release ? ["-c", "release"] : []),
            workingDirectory: package
        )
    }
}
