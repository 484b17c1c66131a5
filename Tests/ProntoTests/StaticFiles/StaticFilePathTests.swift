import Testing

@testable import Pronto

@Suite("StaticFiles: path resolution")
struct StaticFilesPathTests {
    func resolve(_ raw: String, allowHidden: Bool = false) -> StaticFilePath? {
        var raw = raw
        return raw.withUTF8 { StaticFilePath.resolve(UnsafeRawBufferPointer($0), allowHidden: allowHidden) }
    }

    func relative(_ raw: String, allowHidden: Bool = false) -> String? {
        resolve(raw, allowHidden: allowHidden).map { String(decoding: $0.relative, as: UTF8.self) }
    }

    @Test("plain paths are decoded once, segment by segment")
    func plain() {
        #expect(relative("app.css") == "app.css")
        #expect(relative("css/site.css") == "css/site.css")
        #expect(relative("a%20b/c%C3%A9.txt") == "a b/cé.txt")
        #expect(relative("100%25.txt") == "100%.txt")
        #expect(relative("%252e%252e/x") == "%2e%2e/x", "decoded once: %25 is a literal %")
        #expect(relative("a+b") == "a+b")
        #expect(relative("...") == nil, "a hidden name")
        #expect(relative("a..b/c..") == "a..b/c..", "dots inside a name are fine")
    }

    @Test("the root and trailing slashes")
    func slashes() {
        #expect(resolve("") == StaticFilePath(relative: [], trailingSlash: true))
        #expect(resolve("docs/") == StaticFilePath(relative: Array("docs".utf8), trailingSlash: true))
        #expect(resolve("docs") == StaticFilePath(relative: Array("docs".utf8), trailingSlash: false))
    }

    @Test(
        "every traversal form is refused",
        arguments: [
            "..", "../secret", "a/../../secret", "a/..", "./a", "a/./b", ".",
            "%2e%2e/secret", "%2E%2E/secret", ".%2e/secret", "%2e./secret", "a/%2e%2e/%2e%2e/secret", "%2e",
            "..%2fsecret", "..%2Fsecret", "a%2f..%2f..%2fsecret", "%2fetc/passwd",
            "..%5csecret", "..%5Csecret", "a\\..\\secret", "..\\secret", "a%5cb",
            "secret%00.png", "a%00", "%00", "a%0ab", "a%7fb",
            "/etc/passwd", "//etc/passwd", "a//b", "a/%2f/b",
        ]
    )
    func traversal(raw: String) {
        #expect(resolve(raw) == nil, "\(raw) must be refused")
        #expect(resolve(raw, allowHidden: true) == nil, "\(raw) must be refused with hidden files allowed too")
    }

    @Test("hidden names are refused unless allowed; . and .. always")
    func hidden() {
        #expect(relative(".env") == nil)
        #expect(relative(".git/config") == nil)
        #expect(relative("a/.hidden/b") == nil)
        #expect(relative("%2eenv") == nil, "an encoded dot is a dot")
        #expect(relative(".well-known/security.txt", allowHidden: true) == ".well-known/security.txt")
        #expect(relative("..", allowHidden: true) == nil)
    }

    @Test("overlong paths are refused")
    func long() {
        #expect(relative(String(repeating: "a", count: StaticFilePath.maxLength)) != nil)
        #expect(relative(String(repeating: "a", count: StaticFilePath.maxLength + 1)) == nil)
        #expect(relative(String(repeating: "%61", count: StaticFilePath.maxLength + 1)) == nil)
    }

    @Test("inside the root means the root itself or below its slash")
    func inside() {
        func inside(_ path: String, _ root: String) -> Bool { StaticFileSystem.isInside(Array(path.utf8), root: Array(root.utf8)) }
        #expect(inside("/srv/www", "/srv/www"))
        #expect(inside("/srv/www/a/b", "/srv/www"))
        #expect(!inside("/srv/www-secret/a", "/srv/www"), "a sibling sharing the root's prefix")
        #expect(!inside("/srv/ww", "/srv/www"))
        #expect(!inside("/srv", "/srv/www"))
        #expect(inside("/etc/passwd", "/"))
    }
}
