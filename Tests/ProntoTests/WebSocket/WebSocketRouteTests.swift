import NIOConcurrencyHelpers
import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

typealias Frame = TestWebSocketFrame

/// An app with the WebSocket routes the tests talk to.
func webSocketApp(configuration: WebSocketConfiguration = WebSocketConfiguration(), marks: EventLog = EventLog()) -> App {
    let app = App(configuration: quietConfiguration())
    app.webSocket("/echo", configuration: configuration) { _, ws in
        for await message in ws.messages { try await ws.send(message) }
    }
    app.webSocket("/rooms/{room}", shouldUpgrade: { request in
        request.header("Authorization") == "Bearer yes" ? nil : Response(status: .unauthorized, body: .string("no token\n"))
    }) { request, ws in
        try await ws.send(text: "welcome to \(request.parameter("room") ?? "?")")
    }
    app.webSocket("/fail") { _, ws in
        for await _ in ws.messages { throw HTTPError(.badRequest) }
    }
    app.webSocket("/wait") { _, ws in
        await withTaskCancellationHandler {
            for await _ in ws.messages {}
            marks.append("messages ended")
            // Wait for the cancellation the disconnect brings.
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            marks.append("cancelled")
        } onCancel: {
            marks.append("cancellation handler")
        }
    }
    app.get("/plain") { _ in "plain\n" }
    return app
}

@Suite("WebSocket routes")
struct WebSocketRouteTests {
    @Test("handshake: 101 with the accept value; text, binary and fragmented messages echo", arguments: TestMode.allCases)
    func echo(mode: TestMode) async throws {
        try await webSocketApp().test(mode) { client in
            let response = try await client.connection.openWebSocket("/echo")
            #expect(response.status == 101)
            #expect(response.header("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            #expect(response.header("Upgrade")?.lowercased() == "websocket")
            let ws = client.connection
            try await ws.sendText("hello")
            #expect(try await ws.readFrame() == Frame(opcode: Frame.text, payload: Array("hello".utf8)))
            try await ws.sendFrame(Frame(opcode: Frame.binary, payload: [0, 1, 2, 255]))
            #expect(try await ws.readFrame() == Frame(opcode: Frame.binary, payload: [0, 1, 2, 255]))
            // Three fragments with a ping between them: the pong comes first, then the message.
            try await ws.send(
                Frame(fin: false, opcode: Frame.text, payload: Array("frag".utf8)).encoded()
                    + Frame(opcode: Frame.ping, payload: Array("p".utf8)).encoded()
                    + Frame(fin: false, opcode: Frame.continuation, payload: Array("men".utf8)).encoded()
                    + Frame(opcode: Frame.continuation, payload: Array("ted".utf8)).encoded())
            #expect(try await ws.readFrame() == Frame(opcode: Frame.pong, payload: Array("p".utf8)))
            #expect(try await ws.readFrame().text == "fragmented")
            let big = [UInt8](repeating: 0x61, count: 70_000)  // a 64-bit length
            try await ws.sendFrame(Frame(opcode: Frame.text, payload: big))
            #expect(try await ws.readFrame().payload == big)
            // The client closes: the server echoes the code and closes the connection.
            try await ws.sendFrame(.close(1000, reason: "bye"))
            #expect(try await ws.readFrame().closeCode == 1000)
            _ = try await ws.waitForClose()
        }
    }

    @Test("bytes sent right after the handshake, in the same write, are WebSocket frames, never HTTP", arguments: TestMode.allCases)
    func framesAfterHandshake(mode: TestMode) async throws {
        try await webSocketApp().test(mode) { client in
            let handshake = "GET /echo HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            let smuggled = Array("GET /plain HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
            try await client.connection.send(Array(handshake.utf8) + Frame(opcode: Frame.binary, payload: smuggled).encoded())
            #expect(try await client.connection.readResponse().status == 101)
            #expect(try await client.connection.readFrame().payload == smuggled)
            try await client.connection.sendFrame(.close(1000))
            #expect(try await client.connection.readFrame().closeCode == 1000)
        }
    }

    @Test("requests that are not WebSocket handshakes are refused with 426 or 400, and the connection stays HTTP", arguments: TestMode.allCases)
    func refusals(mode: TestMode) async throws {
        try await webSocketApp().test(mode) { client in
            let plain = try await client.get("/echo")
            #expect(plain.status == 426)
            #expect(plain.header("Upgrade") == "websocket")
            let upgrade = [("Upgrade", "websocket"), ("Connection", "Upgrade")]
            let oldVersion = try await client.get("/echo", headers: upgrade + [("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "8")])
            #expect(oldVersion.status == 426)
            #expect(oldVersion.header("Sec-WebSocket-Version") == "13")
            let badKey = try await client.get("/echo", headers: upgrade + [("Sec-WebSocket-Key", "short"), ("Sec-WebSocket-Version", "13")])
            #expect(badKey.status == 400)
            #expect(badKey.bodyString.contains("Sec-WebSocket-Key"))
            let noKey = try await client.get("/echo", headers: upgrade + [("Sec-WebSocket-Version", "13")])
            #expect(noKey.status == 400)
            #expect(try await client.post("/echo", body: "x").status == 405)
            #expect(try await client.get("/plain").bodyString == "plain\n")
        }
    }

    @Test("shouldUpgrade refuses with its own response before the 101; path parameters reach the handler", arguments: TestMode.allCases)
    func shouldUpgrade(mode: TestMode) async throws {
        try await webSocketApp().test(mode) { client in
            let refused = try await client.connection.openWebSocket("/rooms/lobby")
            #expect(refused.status == 401)
            #expect(refused.bodyString == "no token\n")
            #expect(try await client.get("/plain").status == 200)
            let accepted = try await client.connection.openWebSocket("/rooms/lobby", headers: [("Authorization", "Bearer yes")])
            #expect(accepted.status == 101)
            #expect(try await client.connection.readFrame().text == "welcome to lobby")
            // The handler returned: the server closes with 1000, and the TCP connection once
            // the client answered.
            #expect(try await client.connection.readFrame().closeCode == 1000)
            try await client.connection.sendFrame(.close(1000))
            _ = try await client.connection.waitForClose()
        }
    }

    @Test("a handler that throws closes with 1011", arguments: TestMode.allCases)
    func handlerThrows(mode: TestMode) async throws {
        try await webSocketApp().test(mode) { client in
            #expect(try await client.connection.openWebSocket("/fail").status == 101)
            try await client.connection.sendText("boom")
            #expect(try await client.connection.readFrame().closeCode == 1011)
            try await client.connection.sendFrame(.close(1011))
            _ = try await client.connection.waitForClose()
        }
    }

    @Test("a disconnect ends the messages and cancels the handler", arguments: TestMode.allCases)
    func cancellation(mode: TestMode) async throws {
        let marks = EventLog()
        try await webSocketApp(marks: marks).test(mode) { client in
            #expect(try await client.connection.openWebSocket("/wait").status == 101)
            await client.connection.close()
            try await marks.wait(count: 3, connection: client.connection)
            #expect(Set(marks.entries) == ["messages ended", "cancellation handler", "cancelled"])
        }
    }
}

/// Holds a weak reference handed over from a handler task.
final class WeakSocket: @unchecked Sendable {
    private let lock = NIOLock()
    private weak var socket: WebSocket?
    private var stored = false

    func store(_ socket: WebSocket) { lock.withLock { self.socket = socket; stored = true } }
    var isStored: Bool { lock.withLock { stored } }
    var isAlive: Bool { lock.withLock { socket != nil } }
}

extension WebSocketRouteTests {
    @Test("a closed WebSocket is freed with its connection (no reference cycle keeps it)", arguments: TestMode.allCases)
    func freedAfterClose(mode: TestMode) async throws {
        let weak = WeakSocket()
        let app = App(configuration: quietConfiguration())
        app.webSocket("/once") { _, ws in
            weak.store(ws)
            for await _ in ws.messages {}
        }
        try await app.test(mode) { client in
            #expect(try await client.connection.openWebSocket("/once").status == 101)
            try await client.connection.sendFrame(.close(1000))
            #expect(try await client.connection.readFrame().closeCode == 1000)
            _ = try await client.connection.waitForClose()
            let deadline = ContinuousClock.now + .seconds(5)
            while weak.isAlive || !weak.isStored, ContinuousClock.now < deadline {
                await client.connection.runPendingWork()
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(weak.isStored)
            #expect(!weak.isAlive)
        }
    }
}

/// Lets a request through only with `X-Token: secret`.
private struct WebSocketToken: InlineMiddleware {
    func willRespond(to request: inout Request) -> MiddlewareStep<Void> {
        request.header("x-token") == "secret" ? .proceed : .respond(.text("no token", status: .unauthorized))
    }
}

extension WebSocketRouteTests {
    @Test("a group's middleware applies to its WebSocket routes before the upgrade", arguments: TestMode.allCases)
    func middleware(mode: TestMode) async throws {
        let app = App(configuration: quietConfiguration())
        app.group("/private", middleware: [WebSocketToken()]).webSocket("/feed") { _, ws in
            try await ws.send(text: "secret feed")
        }
        try await app.test(mode) { client in
            let refused = try await client.connection.openWebSocket("/private/feed")
            #expect(refused.status == 401)
            #expect(refused.bodyString == "no token")
            let accepted = try await client.connection.openWebSocket("/private/feed", headers: [("X-Token", "secret")])
            #expect(accepted.status == 101)
            #expect(try await client.connection.readFrame().text == "secret feed")
            #expect(try await client.connection.readFrame().closeCode == 1000)
            try await client.connection.sendFrame(.close(1000))
        }
    }
}
