import Foundation
import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("StaticFiles: memory cache")
struct StaticFileCacheTests {
    static func rewrite(_ path: String, _ text: String) throws {
        // A new file (new inode) as a deploy's atomic rename makes it.
        let temporary = path + ".new"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    @Test("a small file is served from memory until it is revalidated", arguments: TestMode.allCases)
    func servedFromMemory(mode: TestMode) async throws {
        let fixture = try StaticFilesFixture()
        let options = StaticFileOptions(memoryCache: .init(revalidateAfter: .hours(1)))
        try await fixture.app(options).test(mode) { client async throws in
            #expect(try await client.get("/static/hello.txt").bodyString == StaticFilesFixture.hello)
            try Self.rewrite(fixture.root + "/hello.txt", "changed on disk\n")
            // Trusted for an hour: the file system is not looked at, the kept bytes are served.
            let cached = try await client.get("/static/hello.txt")
            #expect(cached.bodyString == StaticFilesFixture.hello)
            // Ranges and conditional requests are answered from the kept bytes too.
            #expect(try await client.get("/static/hello.txt", headers: [("Range", "bytes=0-4")]).bodyString == "Hello")
            let tag = try #require(cached.header("etag"))
            #expect(try await client.get("/static/hello.txt", headers: [("If-None-Match", tag)]).status == 304)
            let multipart = try await client.get("/static/hello.txt", headers: [("Range", "bytes=0-1,7-12")])
            #expect(multipart.status == 206)
            #expect(multipart.bodyString.contains("He") && multipart.bodyString.contains("static"))
        }
    }

    @Test("a changed file is served anew once the entry is due for revalidation")
    func revalidated() async throws {
        let fixture = try StaticFilesFixture()
        let options = StaticFileOptions(memoryCache: .init(revalidateAfter: .zero))
        try await fixture.app(options).test(.inProcess) { client async throws in
            let first = try await client.get("/static/hello.txt")
            #expect(first.bodyString == StaticFilesFixture.hello)
            try Self.rewrite(fixture.root + "/hello.txt", "changed on disk\n")
            let second = try await client.get("/static/hello.txt")
            #expect(second.bodyString == "changed on disk\n")
            #expect(second.header("etag") != first.header("etag"))
            try FileManager.default.removeItem(atPath: fixture.root + "/hello.txt")
            #expect(try await client.get("/static/hello.txt").status == 404)
        }
    }

    @Test("each accepted coding has its own entry: br and plain clients get their representation")
    func perCoding() async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app().test(.inProcess) { client async throws in
            for _ in 0..<2 {
                let br = try await client.get("/static/app.js", headers: [("Accept-Encoding", "br")])
                #expect(br.bodyString == "BROTLI")
                #expect(br.header("content-encoding") == "br")
                let plain = try await client.get("/static/app.js")
                #expect(plain.bodyString == "console.log('identity')\n")
                #expect(plain.header("content-encoding") == nil)
            }
        }
    }

    @Test("files above maxFileSize are not kept: a change shows at once")
    func largeFilesNotKept() async throws {
        let fixture = try StaticFilesFixture()
        let options = StaticFileOptions(memoryCache: .init(maxFileSize: 10, revalidateAfter: .hours(1)))
        try await fixture.app(options).test(.inProcess) { client async throws in
            #expect(try await client.get("/static/hello.txt").bodyString == StaticFilesFixture.hello)  // 21 bytes > 10
            try Self.rewrite(fixture.root + "/hello.txt", "changed on disk\n")
            #expect(try await client.get("/static/hello.txt").bodyString == "changed on disk\n")
        }
    }

    @Test("the cache holds at most maxTotalSize bytes")
    func bounded() async throws {
        let fixture = try StaticFilesFixture()
        let options = StaticFileOptions(memoryCache: .init(maxTotalSize: 320, revalidateAfter: .hours(1)))
        try await fixture.app(options).test(.inProcess) { client async throws in
            // data.bin is 300 bytes, hello.txt 21, index.html 14: they cannot all stay.
            for path in ["/static/data.bin", "/static/hello.txt", "/static/index.html", "/static/data.bin"] {
                #expect(try await client.get(path).status == 200)
            }
            #expect(try await client.get("/static/data.bin").body == StaticFilesFixture.data)
        }
    }
}
