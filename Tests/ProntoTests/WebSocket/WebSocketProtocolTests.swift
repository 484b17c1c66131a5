import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

/// Frames a server must refuse (RFC 6455 §5, §7.4, §8.1): each fails the connection with a
/// close frame carrying the right code, then the TCP close.
@Suite("WebSocket protocol errors")
struct WebSocketProtocolTests {
    static let cases: [(name: String, bytes: [UInt8], code: UInt16)] = [
        ("unmasked frame", Frame(opcode: Frame.text, payload: Array("x".utf8)).encoded(mask: nil), 1002),
        ("reserved bit without an extension", Frame(rsv: 0x40, opcode: Frame.text, payload: Array("x".utf8)).encoded(), 1002),
        ("reserved opcode 3", Frame(opcode: 0x3, payload: []).encoded(), 1002),
        ("reserved control opcode 0xB", Frame(opcode: 0xB, payload: []).encoded(), 1002),
        ("continuation without a message", Frame(opcode: Frame.continuation, payload: Array("x".utf8)).encoded(), 1002),
        ("new message inside a fragmented one",
         Frame(fin: false, opcode: Frame.text, payload: Array("a".utf8)).encoded() + Frame(opcode: Frame.text, payload: Array("b".utf8)).encoded(), 1002),
        ("fragmented ping", Frame(fin: false, opcode: Frame.ping, payload: []).encoded(), 1002),
        ("ping of 126 bytes", Frame(opcode: Frame.ping, payload: [UInt8](repeating: 1, count: 126)).encoded(), 1002),
        ("invalid UTF-8 in one frame", Frame(opcode: Frame.text, payload: [0xCE, 0xBA, 0xED, 0xA0, 0x80]).encoded(), 1007),
        ("invalid UTF-8 across fragments",
         Frame(fin: false, opcode: Frame.text, payload: [0xE2, 0x82]).encoded() + Frame(opcode: Frame.continuation, payload: [0x41]).encoded(), 1007),
        ("message over the limit", Frame(opcode: Frame.binary, payload: [UInt8](repeating: 0, count: 1025)).encoded(), 1009),
        ("fragments over the limit",
         Frame(fin: false, opcode: Frame.binary, payload: [UInt8](repeating: 0, count: 600)).encoded()
            + Frame(opcode: Frame.continuation, payload: [UInt8](repeating: 0, count: 600)).encoded(), 1009),
        ("close with a 1-byte payload", Frame(opcode: Frame.close, payload: [3]).encoded(), 1002),
        ("close code 999", Frame.close(999).encoded(), 1002),
        ("close code 1005 (never sent)", Frame.close(1005).encoded(), 1002),
        ("close code 1016 (unassigned)", Frame.close(1016).encoded(), 1002),
        ("close reason not UTF-8", Frame(opcode: Frame.close, payload: [0x03, 0xE8, 0xFF]).encoded(), 1007),
    ]

    @Test("each protocol violation fails the connection with its close code", arguments: TestMode.allCases)
    func violations(mode: TestMode) async throws {
        let app = webSocketApp(configuration: WebSocketConfiguration(maxMessageSize: 1024))
        try await app.test(mode) { client in
            for (name, bytes, code) in Self.cases {
                let connection = try await client.connect()
                #expect(try await connection.openWebSocket("/echo").status == 101, "\(name)")
                try await connection.send(bytes)
                let frame = try await connection.readFrame()
                #expect(frame.closeCode == code, "\(name): got \(frame)")
                _ = try await connection.waitForClose()
            }
        }
    }

    @Test("messages received before a close or a violation are answered first, then the close goes out", arguments: TestMode.allCases)
    func answersBeforeClose(mode: TestMode) async throws {
        try await webSocketApp().test(mode) { client in
            for (last, code) in [(Frame.close(1000), UInt16(1000)), (Frame(rsv: 0x20, opcode: Frame.text, payload: []), 1002)] {
                let ws = try await client.connect()
                #expect(try await ws.openWebSocket("/echo").status == 101)
                let big = [UInt8](repeating: 0x2A, count: 100_000)
                try await ws.send(Frame(opcode: Frame.text, payload: Array("first".utf8)).encoded()
                    + Frame(opcode: Frame.binary, payload: big).encoded() + last.encoded())
                #expect(try await ws.readFrame().text == "first")
                #expect(try await ws.readFrame().payload == big)
                #expect(try await ws.readFrame().closeCode == code)
                _ = try await ws.waitForClose()
            }
        }
    }

    @Test("invalid UTF-8 in a text frame still arriving fails at once, before the rest of the frame", arguments: TestMode.allCases)
    func failFastInsideFrame(mode: TestMode) async throws {
        try await webSocketApp().test(mode) { client in
            for opening in [[UInt8](), Frame(fin: false, opcode: Frame.text, payload: Array("κό".utf8)).encoded()] {
                let ws = try await client.connect()
                #expect(try await ws.openWebSocket("/echo").status == 101)
                // A frame announcing 100 bytes, of which only the first 12 come: the 5th is bad.
                let opcode = opening.isEmpty ? Frame.text : Frame.continuation
                let frame = Frame(opcode: opcode, payload: Array("abcd".utf8) + [0xFF] + [UInt8](repeating: 0x61, count: 95)).encoded()
                let headLength = 2 + 2 + 4  // 16-bit length and the mask
                try await ws.send(opening + Array(frame[..<(headLength + 12)]))
                #expect(try await ws.readFrame().closeCode == 1007)
                _ = try await ws.waitForClose()
            }
        }
    }

    @Test("valid close codes are echoed: 1000–1003, 1007–1014, 3000–4999, and none", arguments: [1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999] as [UInt16])
    func validCloseCodes(code: UInt16) async throws {
        try await webSocketApp().test(.inProcess) { client in
            #expect(try await client.connection.openWebSocket("/echo").status == 101)
            try await client.connection.sendFrame(.close(code, reason: "ok"))
            #expect(try await client.connection.readFrame().closeCode == code)
            _ = try await client.connection.waitForClose()
        }
    }

    @Test("a close frame without a code is answered with an empty close frame")
    func emptyClose() async throws {
        try await webSocketApp().test(.inProcess) { client in
            #expect(try await client.connection.openWebSocket("/echo").status == 101)
            try await client.connection.sendFrame(Frame(opcode: Frame.close, payload: []))
            #expect(try await client.connection.readFrame() == Frame(opcode: Frame.close, payload: []))
            _ = try await client.connection.waitForClose()
        }
    }
}

@Suite("WebSocket lifecycle: keep-alive, backpressure, shutdown")
struct WebSocketLifecycleTests {
    @Test("an idle connection is pinged; without an answer it is closed with 1001")
    func idlePing() async throws {
        let configuration = WebSocketConfiguration(pingInterval: .seconds(30), pongTimeout: .seconds(10))
        try await webSocketApp(configuration: configuration).test(.inProcess) { client in
            let ws = client.connection
            #expect(try await ws.openWebSocket("/echo").status == 101)
            await ws.advanceTime(by: .seconds(31))
            #expect(try await ws.readFrame().opcode == Frame.ping)
            // Answered: the connection stays, and the next ping comes a full interval later.
            try await ws.sendFrame(Frame(opcode: Frame.pong, payload: []))
            await ws.advanceTime(by: .seconds(11))
            try await ws.sendText("still here")
            #expect(try await ws.readFrame().text == "still here")
            await ws.advanceTime(by: .seconds(31))
            #expect(try await ws.readFrame().opcode == Frame.ping)
            // Not answered: closed with 1001.
            await ws.advanceTime(by: .seconds(11))
            #expect(try await ws.readFrame().closeCode == 1001)
            _ = try await ws.waitForClose()
        }
    }

    @Test("send waits while the socket is not writable, and goes on when it is")
    func sendBackpressure() async throws {
        let sent = Counter()
        let app = App(configuration: quietConfiguration())
        app.webSocket("/flood") { _, ws in
            for _ in 0..<3 {
                try await ws.send(text: "x")
                sent.increment()
            }
            for await _ in ws.messages {}
        }
        try await app.test(.inProcess) { client async throws in
            let ws = client.connection
            await ws.setServerWritable(false)
            #expect(try await ws.openWebSocket("/flood").status == 101)
            #expect(try await ws.readFrame().text == "x")
            await ws.runPendingWork()
            #expect(sent.count == 0)  // the first send waits for writability
            await ws.setServerWritable(true)
            #expect(try await ws.readFrame().text == "x")
            #expect(try await ws.readFrame().text == "x")
            await ws.runPendingWork()
            #expect(sent.count == 3)
        }
    }

    @Test("a graceful shutdown closes every WebSocket with 1001 and finishes once the client answers")
    func shutdown() async throws {
        try await webSocketApp().test(.live) { client in
            #expect(try await client.connection.openWebSocket("/echo").status == 101)
            let server = try #require(client.server.server)
            let stopped = Task { await server.shutdown() }
            let frame = try await client.connection.readFrame()
            #expect(frame.closeCode == 1001)
            #expect(frame.text.hasSuffix("server shutting down"))
            try await client.connection.sendFrame(.close(1001))
            _ = try await client.connection.waitForClose()
            await stopped.value
        }
    }

    @Test("an invalid configuration is refused at registration, naming the field")
    func invalidConfiguration() async throws {
        let app = App(configuration: quietConfiguration())
        app.webSocket("/bad", configuration: WebSocketConfiguration(maxMessageSize: 0)) { _, _ in }
        try await app.test(.inProcess) { client async throws in
            #expect(try await client.connection.openWebSocket("/bad").status == 404)
        }
        let error = #expect(throws: WebSocketConfigurationError.self) { try WebSocketConfiguration(maxMessageSize: 0).validate() }
        #expect(error?.description.contains("maxMessageSize") == true)
    }
}
