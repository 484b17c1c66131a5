import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Server-sent events")
struct ServerSentEventTests {
    static func wire(_ event: ServerSentEvent) -> String {
        var buffer = ByteBuffer()
        event.write(into: &buffer)
        return String(buffer: buffer)
    }

    @Test("the wire form: fields, data split at every kind of line break, empty data")
    func wireForm() {
        #expect(Self.wire(ServerSentEvent(data: "hello")) == "data: hello\n\n")
        #expect(Self.wire(ServerSentEvent(data: "a\nb\r\nc\rd", event: "update", id: "7", retry: 3000))
            == "event: update\nid: 7\nretry: 3000\ndata: a\ndata: b\ndata: c\ndata: d\n\n")
        #expect(Self.wire(ServerSentEvent(data: "")) == "data: \n\n")
    }

    @Test("a line break in event or id cannot inject fields")
    func injection() {
        let event = ServerSentEvent(data: "x", event: "a\ndata: forged", id: "1\nretry: 1\0")
        #expect(Self.wire(event) == "event: adata: forged\nid: 1retry: 1\ndata: x\n\n")
    }

    static func app(_ configure: (App) -> Void) -> App {
        let app = App(configuration: quietConfiguration())
        configure(app)
        return app
    }

    @Test("a route streams events as text/event-stream, and resumes after Last-Event-ID", arguments: TestMode.allCases)
    func route(mode: TestMode) async throws {
        let app = Self.app { app in
            app.get("/ticks") { request in
                let start = Int(request.lastEventID ?? "0") ?? 0
                return Response.eventStream(heartbeat: nil) { events in
                    for tick in (start + 1)...(start + 3) {
                        try await events.send(ServerSentEvent(data: "tick \(tick)", id: "\(tick)"))
                    }
                }
            }
        }
        try await app.test(mode) { client in
            let response = try await client.get("/ticks")
            #expect(response.header("Content-Type") == "text/event-stream")
            #expect(response.header("Cache-Control") == "no-cache")
            #expect(response.bodyString == "id: 1\ndata: tick 1\n\nid: 2\ndata: tick 2\n\nid: 3\ndata: tick 3\n\n")
            let resumed = try await client.get("/ticks", headers: [("Last-Event-ID", "3")])
            #expect(resumed.bodyString.hasPrefix("id: 4\ndata: tick 4\n\n"))
        }
    }

    @Test("each event arrives when it is sent, not when the stream ends")
    func prompt() async throws {
        let gate = Gate()
        let app = Self.app { app in
            app.get("/events") { _ in
                Response.eventStream(heartbeat: nil) { events in
                    try await events.send(data: "first")
                    await gate.wait()
                    try await events.send(data: "second")
                }
            }
        }
        try await app.test(.live) { client in
            try await client.connection.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            let early = String(decoding: try await client.connection.waitForBytes(containing: "data: first\n\n"), as: UTF8.self)
            #expect(!early.contains("second"))
            gate.open()
            #expect(try await client.connection.readResponse().bodyString == "data: first\n\ndata: second\n\n")
        }
    }

    @Test("a quiet stream sends heartbeat comments")
    func heartbeat() async throws {
        let gate = Gate()
        let app = Self.app { app in
            app.get("/quiet") { _ in
                Response.eventStream(heartbeat: .milliseconds(20)) { _ in await gate.wait() }
            }
        }
        try await app.test(.live) { client in
            try await client.connection.send("GET /quiet HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try await client.connection.waitForBytes(containing: ": \n\n")
            gate.open()
            let response = try await client.connection.readResponse()
            #expect(response.bodyString.hasPrefix(": \n\n"))
        }
    }

    @Test("the client going away cancels the event stream", arguments: TestMode.allCases)
    func cancellation(mode: TestMode) async throws {
        let sent = Counter()
        let outcome = EventLog()
        let app = Self.app { app in
            app.get("/forever") { _ in
                Response.eventStream(heartbeat: .seconds(1)) { events in
                    do {
                        // Bounded: cancellation must end it long before.
                        for tick in 0..<500 {
                            try await events.send(data: "\(tick)")
                            sent.increment()
                            try await Task.sleep(for: .milliseconds(10))
                        }
                        outcome.append("ran to the end")
                    } catch {
                        outcome.append(error is CancellationError || error as? ResponseStreamError == .connectionClosed ? "stopped" : "\(error)")
                    }
                }
            }
        }
        try await app.test(mode) { client in
            let connection = try await client.connect()
            try await connection.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
            try await sent.wait(until: 2)
            await connection.close()
            try await outcome.wait(count: 1, connection: mode == .inProcess ? connection : nil)
            #expect(outcome.entries == ["stopped"])
        }
    }
}
