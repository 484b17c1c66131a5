import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("WebSockets guide")
struct WebSocketGuideTests {
    @Test("the guide shows the chat example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample(
            "Sources/Pronto/Pronto.docc/WebSockets.md", from: "Tests/ProntoTests/WebSocket/WebSocketGuideExample.swift", marker: "GUIDE EXAMPLE"
        )
    }

    @Test("the chat: a message reaches everyone in its room and no one elsewhere; a nameless join is refused", arguments: TestMode.allCases)
    func chat(mode: TestMode) async throws {
        try await makeChatApp().test(mode) { client in
            #expect(try await client.connection.openWebSocket("/chat/lobby").status == 400)
            let alice = try await client.connect()
            let bob = try await client.connect()
            let carol = try await client.connect()
            // Joining happens in the handler: each member's own message coming back shows it is in.
            #expect(try await alice.openWebSocket("/chat/lobby?name=alice").status == 101)
            try await alice.sendText("hello")
            #expect(try await alice.readFrame().text == "alice: hello")
            #expect(try await bob.openWebSocket("/chat/lobby?name=bob").status == 101)
            try await bob.sendText("hello")
            #expect(try await bob.readFrame().text == "bob: hello")
            #expect(try await alice.readFrame().text == "bob: hello")
            #expect(try await carol.openWebSocket("/chat/garden?name=carol").status == 101)
            try await carol.sendText("anyone?")
            #expect(try await carol.readFrame().text == "carol: anyone?")
            try await alice.sendText("hi")
            #expect(try await alice.readFrame().text == "alice: hi")
            #expect(try await bob.readFrame().text == "alice: hi")
            // Carol is in another room: nothing of hers reached the lobby.
            try await bob.sendText("bye")
            #expect(try await bob.readFrame().text == "bob: bye")
            #expect(try await alice.readFrame().text == "bob: bye")
            for member in [alice, bob, carol] {
                try await member.sendFrame(.close(1000))
            }
        }
    }
}
