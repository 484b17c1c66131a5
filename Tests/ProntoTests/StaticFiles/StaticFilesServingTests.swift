import Foundation
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("StaticFiles: serving")
struct StaticFilesServingTests {
    @Test("200 with type, length, validators and Accept-Ranges; HEAD the same without body", arguments: bothModes)
    func plain(mode: TestMode) async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app(StaticFileOptions(cacheControl: "public, max-age=60")).test(mode) { client async throws in
            let response = try await client.get("/static/hello.txt")
            #expect(response.status == 200)
            #expect(response.bodyString == StaticFilesFixture.hello)
            #expect(response.header("content-type") == "text/plain; charset=utf-8")
            #expect(response.header("content-length") == "\(StaticFilesFixture.hello.utf8.count)")
            #expect(response.header("accept-ranges") == "bytes")
            #expect(response.header("cache-control") == "public, max-age=60")
            // Precompressed siblings are served by default: Vary on every file (as nginx's gzip_vary).
            #expect(response.header("vary") == "Accept-Encoding")
            let tag = try #require(response.header("etag"))
            #expect(tag.hasPrefix("\"") && tag.hasSuffix("\""))
            let lastModified = try #require(response.header("last-modified"))
            #expect(HTTPDate.parse(lastModified) != nil)

            let head = try await client.head("/static/hello.txt")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("content-length") == "\(StaticFilesFixture.hello.utf8.count)")
            #expect(head.header("etag") == tag)
            #expect(head.header("content-type") == "text/plain; charset=utf-8")

            #expect(try await client.get("/static/a%20b.txt").bodyString == "spaced\n")
            #expect(try await client.get("/static/data.bin").body == StaticFilesFixture.data)
            #expect(try await client.get("/static/data.bin").header("content-type") == "application/octet-stream")
            #expect(try await client.get("/static/missing.txt").status == 404)
            #expect(try await client.get("/static-route").bodyString == "a route beside the mount")
            let post = try await client.post("/static/hello.txt", body: "x")
            #expect(post.status == 405)
            #expect(post.header("allow")?.contains("GET") == true)
        }
    }

    @Test("304 for If-None-Match and If-Modified-Since; 412 for a failed If-Match")
    func conditional() async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app().test(.inProcess) { client async throws in
            let first = try await client.get("/static/hello.txt")
            let tag = try #require(first.header("etag"))
            let lastModified = try #require(first.header("last-modified"))

            let byTag = try await client.get("/static/hello.txt", headers: [("If-None-Match", tag)])
            #expect(byTag.status == 304)
            #expect(byTag.body.isEmpty)
            #expect(byTag.header("etag") == tag)
            #expect(byTag.header("content-length") == nil)
            #expect(try await client.head("/static/hello.txt", headers: [("If-None-Match", tag)]).status == 304)
            #expect(try await client.get("/static/hello.txt", headers: [("If-None-Match", "\"nope\"")]).status == 200)

            let byDate = try await client.get("/static/hello.txt", headers: [("If-Modified-Since", lastModified)])
            #expect(byDate.status == 304)
            #expect(try await client.get("/static/hello.txt", headers: [("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")]).status == 200)

            let failed = try await client.get("/static/hello.txt", headers: [("If-Match", "\"nope\"")])
            #expect(failed.status == 412)
            #expect(failed.body.isEmpty)
            #expect(try await client.get("/static/hello.txt", headers: [("If-Match", tag)]).status == 200)
            #expect(try await client.get("/static/hello.txt", headers: [("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")]).status == 412)
        }
    }

    @Test("ranges: 206 single, 206 multipart, 416, If-Range match and mismatch")
    func ranges() async throws {
        let fixture = try StaticFilesFixture()
        let data = StaticFilesFixture.data
        try await fixture.app().test(.inProcess) { client async throws in
            let single = try await client.get("/static/data.bin", headers: [("Range", "bytes=10-19")])
            #expect(single.status == 206)
            #expect(single.header("content-range") == "bytes 10-19/300")
            #expect(single.header("content-length") == "10")
            #expect(single.body == Array(data[10..<20]))
            #expect(try await client.get("/static/data.bin", headers: [("Range", "bytes=-5")]).body == Array(data[295...]))

            let multi = try await client.get("/static/data.bin", headers: [("Range", "bytes=0-4, 100-109")])
            #expect(multi.status == 206)
            let type = try #require(multi.header("content-type"))
            #expect(type.hasPrefix("multipart/byteranges; boundary="))
            let boundary = String(type.dropFirst("multipart/byteranges; boundary=".count))
            var expected = Array("--\(boundary)\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-4/300\r\n\r\n".utf8)
            expected += data[0..<5]
            expected += Array("\r\n--\(boundary)\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 100-109/300\r\n\r\n".utf8)
            expected += data[100..<110]
            expected += Array("\r\n--\(boundary)--\r\n".utf8)
            #expect(multi.body == expected)
            #expect(multi.header("content-length") == "\(expected.count)")

            let unsatisfiable = try await client.get("/static/data.bin", headers: [("Range", "bytes=300-")])
            #expect(unsatisfiable.status == 416)
            #expect(unsatisfiable.header("content-range") == "bytes */300")
            #expect(try await client.get("/static/data.bin", headers: [("Range", "bytes=oops")]).status == 200)

            let tag = try #require(single.header("etag"))
            let lastModified = try #require(single.header("last-modified"))
            #expect(try await client.get("/static/data.bin", headers: [("Range", "bytes=0-1"), ("If-Range", tag)]).status == 206)
            #expect(try await client.get("/static/data.bin", headers: [("Range", "bytes=0-1"), ("If-Range", lastModified)]).status == 206)
            let stale = try await client.get("/static/data.bin", headers: [("Range", "bytes=0-1"), ("If-Range", "\"old\"")])
            #expect(stale.status == 200)
            #expect(stale.body == data)
        }
    }

    @Test("a large file: whole with sendfile, a range, and multipart parts read in pieces", arguments: bothModes)
    func large(mode: TestMode) async throws {
        let fixture = try StaticFilesFixture()
        let big = StaticFilesFixture.big
        try await fixture.app().test(mode) { client async throws in
            let whole = try await client.get("/static/big.bin")
            #expect(whole.status == 200)
            #expect(whole.body == big)
            let range = try await client.get("/static/big.bin", headers: [("Range", "bytes=100000-249999")])
            #expect(range.status == 206)
            #expect(range.body == Array(big[100_000..<250_000]))
            let multi = try await client.get("/static/big.bin", headers: [("Range", "bytes=0-69999,200000-")])
            #expect(multi.status == 206)
            #expect(multi.header("content-length") == "\(multi.body.count)")
            let type = try #require(multi.header("content-type"))
            let boundary = String(type.dropFirst("multipart/byteranges; boundary=".count))
            var expected = Array("--\(boundary)\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-69999/300000\r\n\r\n".utf8)
            expected += big[0..<70_000]
            expected += Array("\r\n--\(boundary)\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 200000-299999/300000\r\n\r\n".utf8)
            expected += big[200_000...]
            expected += Array("\r\n--\(boundary)--\r\n".utf8)
            #expect(multi.body == expected)
            // The connection is still in step after the streamed body.
            #expect(try await client.get("/static/hello.txt").bodyString == StaticFilesFixture.hello)
            let head = try await client.head("/static/big.bin", headers: [("Range", "bytes=0-1,5-6")])
            #expect(head.status == 200, "HEAD ignores Range")
            #expect(head.header("content-length") == "300000")
        }
    }

    @Test("an empty file: 200 with no body, also when a range is asked")
    func empty() async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app().test(.inProcess) { client async throws in
            let response = try await client.get("/static/empty.txt", headers: [("Range", "bytes=0-10")])
            #expect(response.status == 200)
            #expect(response.header("content-length") == "0")
            #expect(response.body.isEmpty)
            #expect(try await client.get("/static/hello.txt").status == 200)
        }
    }

    @Test("precompressed siblings: br preferred, gzip, identity, Vary on all; ranges of the encoded bytes")
    func precompressed() async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app().test(.inProcess) { client async throws in
            let br = try await client.get("/static/app.js", headers: [("Accept-Encoding", "gzip, deflate, br")])
            #expect(br.bodyString == "BROTLI")
            #expect(br.header("content-encoding") == "br")
            #expect(br.header("content-type") == "text/javascript; charset=utf-8")
            #expect(br.header("vary") == "Accept-Encoding")
            let gz = try await client.get("/static/app.js", headers: [("Accept-Encoding", "gzip, br;q=0")])
            #expect(gz.bodyString == "GZIP!")
            #expect(gz.header("content-encoding") == "gzip")
            #expect(gz.header("vary") == "Accept-Encoding")
            let identity = try await client.get("/static/app.js")
            #expect(identity.bodyString == "console.log('identity')\n")
            #expect(identity.header("content-encoding") == nil)
            #expect(identity.header("vary") == "Accept-Encoding")
            let tags = [br, gz, identity].compactMap { $0.header("etag") }
            #expect(Set(tags).count == 3, "one tag per encoding")
            #expect(try await client.get("/static/app.js", headers: [("Accept-Encoding", "br"), ("If-None-Match", tags[0])]).status == 304)
            #expect(try await client.get("/static/app.js", headers: [("If-None-Match", tags[0])]).status == 200)

            // Only a .gz sibling: a br-only client gets identity, still with Vary.
            let css = try await client.get("/static/style.css", headers: [("Accept-Encoding", "br")])
            #expect(css.bodyString == "body { color: red }\n")
            #expect(css.header("vary") == "Accept-Encoding")
            // A file without siblings varies too: a .gz may appear, and not looking saves a stat per request.
            #expect(try await client.get("/static/hello.txt", headers: [("Accept-Encoding", "br")]).header("vary") == "Accept-Encoding")

            let range = try await client.get("/static/app.js", headers: [("Accept-Encoding", "br"), ("Range", "bytes=1-2")])
            #expect(range.status == 206)
            #expect(range.bodyString == "RO")
            #expect(range.header("content-range") == "bytes 1-2/6")
        }
        // Turned off: the original only, no Vary.
        try await fixture.app(StaticFileOptions(precompressed: [])).test(.inProcess) { client async throws in
            let response = try await client.get("/static/app.js", headers: [("Accept-Encoding", "br")])
            #expect(response.header("content-encoding") == nil)
            #expect(response.header("vary") == nil)
        }
    }

    @Test("directories: index.html, 301 to the slash form keeping the query, no listing")
    func directories() async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app().test(.inProcess) { client async throws in
            let root = try await client.get("/static/")
            #expect(root.status == 200)
            #expect(root.bodyString == "<h1>home</h1>\n")
            #expect(root.header("content-type") == "text/html; charset=utf-8")
            #expect(try await client.get("/static/docs/").bodyString == "<h1>docs</h1>\n")

            let redirect = try await client.get("/static/docs?lang=en")
            #expect(redirect.status == 301)
            #expect(redirect.header("location") == "/static/docs/?lang=en")
            let mount = try await client.get("/static")
            #expect(mount.status == 301)
            #expect(mount.header("location") == "/static/")

            #expect(try await client.get("/static/empty/").status == 404, "no index, no listing")
            #expect(try await client.get("/static/hello.txt/").status == 404, "a file is not a directory")
        }
        try await fixture.app(StaticFileOptions(indexFile: nil)).test(.inProcess) { client async throws in
            #expect(try await client.get("/static/docs/").status == 404)
        }
        try await fixture.app(StaticFileOptions(indexFile: "hello.txt")).test(.inProcess) { client async throws in
            #expect(try await client.get("/static/").bodyString == StaticFilesFixture.hello)
        }
    }

    @Test("mounted at the root, inside a group")
    func mounts() async throws {
        let fixture = try StaticFilesFixture()
        let app = App(configuration: quietConfiguration())
        app.get("/api/ping") { _ in "pong" }
        app.static("/", directory: fixture.root)
        app.group("/v1").static("/files/", directory: fixture.root + "/docs")
        try await app.test(.inProcess) { client async throws in
            #expect(try await client.get("/").bodyString == "<h1>home</h1>\n")
            #expect(try await client.get("/hello.txt").bodyString == StaticFilesFixture.hello)
            #expect(try await client.get("/api/ping").bodyString == "pong")
            #expect(try await client.get("/v1/files/").bodyString == "<h1>docs</h1>\n")
            #expect(try await client.get("/v1/files").header("location") == "/v1/files/")
        }
    }
}
