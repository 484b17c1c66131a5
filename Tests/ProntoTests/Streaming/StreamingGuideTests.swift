import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Streaming guide")
struct StreamingGuideTests {
    @Test("the guide shows the streaming example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample(
            "Sources/Pronto/Pronto.docc/Streaming.md", from: "Tests/ProntoTests/Streaming/StreamingGuideExample.swift", marker: "GUIDE EXAMPLE"
        )
    }

    @Test("the guide's routes: a counted upload, a chunked body, events resumed after Last-Event-ID", arguments: TestMode.allCases)
    func guideExampleRuns(mode: TestMode) async throws {
        try await makeStreamingApp().test(mode) { client in
            let upload = try await client.request("POST", "/count", body: Array(repeating: 7, count: 300_000))
            #expect(upload.bodyString == "300000 bytes\n")
            let numbers = try await client.get("/numbers")
            #expect(numbers.header("Transfer-Encoding") == "chunked")
            #expect(numbers.bodyString == "1\n2\n3\n")
            let ticks = try await client.get("/ticks", headers: [("Last-Event-ID", "5")])
            #expect(ticks.bodyString == "id: 6\ndata: tick 6\n\nid: 7\ndata: tick 7\n\nid: 8\ndata: tick 8\n\n")
        }
    }

    @Test("a streamed upload past its route's limit is refused with 413")
    func limit() async throws {
        try await makeStreamingApp().test(.inProcess) { client in
            let connection = try await client.connect()
            try await connection.send("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 20000000\r\n\r\n")
            #expect(try await connection.readResponse().status == 413)
        }
    }
}
