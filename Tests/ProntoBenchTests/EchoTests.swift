import ProntoBench
import Testing

@Suite(.timeLimit(.minutes(1))) struct EchoTests {
    @Test func echoesExactlyTheMessagesAsked() async throws {
        let server = try await EchoServer.start(host: "127.0.0.1", port: 0)
        do {
            var c = EchoConfiguration(port: server.port)
            c.sizes = [1, 10 * 1024, 100 * 1024]
            c.concurrency = 3
            c.duration = nil
            c.messages = 20
            let report = try await EchoClient.run(c)
            #expect(report.results.map(\.size) == [1, 10 * 1024, 100 * 1024])
            for result in report.results {
                #expect(result.messages == 60)
                #expect(result.errors == 0)
                #expect(result.messagesPerSecond > 0)
                let expected = Double(60 * result.size) / 1_048_576 / result.durationSeconds
                #expect(abs(result.mebibytesPerSecond - expected) < 1e-9 * max(1, expected))
            }
            let json = try report.json()
            #expect(json.contains("\"mebibytesPerSecond\""))
            #expect(report.text().contains("100 KiB"))
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    @Test func timedRunStops() async throws {
        let server = try await EchoServer.start(host: "127.0.0.1", port: 0)
        var c = EchoConfiguration(port: server.port)
        c.sizes = [1024]
        c.duration = 0.2
        let report = try await EchoClient.run(c)
        try await server.shutdown()
        #expect(report.results[0].messages > 0)
        // It stops by itself: a bound loose enough for a loaded machine (a 0.2 s run once
        // took 1.5 s beside two compilers), not a timing assertion.
        #expect(report.results[0].durationSeconds < 10)
    }
}
