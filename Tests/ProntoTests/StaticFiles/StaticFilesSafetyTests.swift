import Foundation
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("StaticFiles: safety")
struct StaticFilesSafetyTests {
    static let traversals = [
        "/static/../secret.txt", "/static/..%2fsecret.txt", "/static/..%2Fsecret.txt", "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/secret.txt", "/static/.%2e/secret.txt", "/static/%2e%2e%2fsecret.txt", "/static/docs/../../secret.txt",
        "/static/..%5csecret.txt", "/static/..%5Csecret.txt", "/static/..\\secret.txt", "/static/%2e%2e%5csecret.txt",
        "/static/hello.txt%00.png", "/static/%00", "/static//etc/passwd", "/static/%2fetc/passwd", "/static/%2F" + "tmp",
        "/static/./hello.txt", "/static/.env", "/static/%2eenv",
        "/static/link-outside", "/static/dir-outside/secret.txt",
        "/static/link-prefix", "/static/fifo", "/static/%2e%2e/public2/x.txt",
    ]

    @Test("every traversal form, hidden file, escaping symlink and special file is a 404; nothing outside the root is read")
    func traversal() async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app().test(.inProcess) { client async throws in
            for target in Self.traversals {
                // A fresh connection each: a request the parser refused closes its connection.
                let connection = try await client.connect()
                let response = try await connection.get(target)
                #expect(response.status == 404, "\(target)")
                #expect(!response.bodyString.contains("SECRET"), "\(target)")
                await connection.close()
            }
        }
    }

    @Test("a symlink inside the root is followed; hidden files when allowed")
    func allowed() async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app().test(.inProcess) { client async throws in
            let response = try await client.get("/static/link-inside")
            #expect(response.status == 200)
            #expect(response.bodyString == StaticFilesFixture.hello)
            #expect(response.header("content-type") == "text/plain; charset=utf-8", "the target's type")
            // Out through a symlink and back in: what counts is where the file is.
            #expect(try await client.get("/static/dir-outside/public/hello.txt").bodyString == StaticFilesFixture.hello)
        }
        try await fixture.app(StaticFileOptions(allowsHiddenFiles: true)).test(.inProcess) { client async throws in
            #expect(try await client.get("/static/.env").status == 200)
            #expect(try await client.get("/static/../secret.txt").status == 404)
            #expect(try await client.get("/static/link-outside").status == 404)
        }
    }

    @Test("over a real socket: a file, a range and a traversal")
    func live() async throws {
        let fixture = try StaticFilesFixture()
        try await fixture.app().test(.live) { client async throws in
            #expect(try await client.get("/static/hello.txt").bodyString == StaticFilesFixture.hello)
            let range = try await client.get("/static/data.bin", headers: [("Range", "bytes=0-2,200-201")])
            #expect(range.status == 206)
            #expect(range.body.count == Int(range.header("content-length") ?? "") ?? -1)
            let connection = try await client.connect()
            let escape = try await connection.get("/static/%2e%2e/secret.txt")
            #expect(escape.status == 404)
            await connection.close()
        }
    }
}
