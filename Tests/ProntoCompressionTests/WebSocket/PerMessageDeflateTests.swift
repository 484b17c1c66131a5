import NIOCore
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@testable import ProntoCompression

@Suite("WebSocket permessage-deflate")
struct PerMessageDeflateTests {
    static func offers(_ header: String) -> [WebSocketExtensionOffer] {
        WebSocketExtensionOffer.parse([header], name: "permessage-deflate")
    }

    static func response(_ header: String, _ deflate: PerMessageDeflate = PerMessageDeflate()) -> String? {
        deflate.accept(offers: offers(header))?.response
    }

    @Test("negotiation (RFC 7692 §7.1): what is offered is answered, invalid offers are declined, the first valid offer wins")
    func negotiation() {
        #expect(Self.response("permessage-deflate") == "permessage-deflate")
        #expect(Self.response("permessage-deflate; client_max_window_bits") == "permessage-deflate")
        #expect(Self.response("permessage-deflate; server_no_context_takeover; client_no_context_takeover")
            == "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        #expect(Self.response("permessage-deflate; server_max_window_bits=10") == "permessage-deflate; server_max_window_bits=10")
        #expect(Self.response("permessage-deflate; client_max_window_bits=12") == "permessage-deflate; client_max_window_bits=12")
        #expect(Self.response("permessage-deflate; server_max_window_bits=\"11\"") == "permessage-deflate; server_max_window_bits=11")
        // The server's own settings join the answer.
        #expect(Self.response("permessage-deflate", PerMessageDeflate(serverMaxWindowBits: 12, serverNoContextTakeover: true, requestClientNoContextTakeover: true))
            == "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12")
        // Declined: unknown, repeated, valueless where a value is needed, out of range, 8 bits.
        for invalid in [
            "permessage-deflate; foo", "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate; server_max_window_bits", "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits=8", "permessage-deflate; client_no_context_takeover=1",
        ] {
            #expect(Self.response(invalid) == nil, "\(invalid)")
        }
        #expect(Self.response("permessage-deflate; foo, permessage-deflate; client_no_context_takeover")
            == "permessage-deflate; client_no_context_takeover")
        #expect(Self.offers("x-webkit-deflate-frame, permessage-deflate; client_max_window_bits").count == 1)
    }

    static func codec(_ header: String = "permessage-deflate", _ deflate: PerMessageDeflate = PerMessageDeflate(minimumSize: 0)) throws -> any WebSocketMessageCodec {
        try #require(deflate.accept(offers: offers(header))).makeCodec()
    }

    @Test("round trip between two ends, with and without context takeover; later messages compress better with it")
    func roundTrip() throws {
        let allocator = ByteBufferAllocator()
        for header in ["permessage-deflate", "permessage-deflate; server_no_context_takeover; client_no_context_takeover"] {
            let sender = try Self.codec(header), receiver = try Self.codec(header)
            var sizes: [Int] = []
            for round in 0..<3 {
                let text = ByteBuffer(string: String(repeating: "a chat message, again and again. ", count: 20) + "\(round)")
                let compressed = try #require(try sender.encode(text, allocator: allocator))
                sizes.append(compressed.readableBytes)
                #expect(try receiver.decode(compressed, maxSize: 1 << 20, allocator: allocator) == text)
            }
            if header == "permessage-deflate" {
                #expect(sizes[1] < sizes[0], "context takeover: the second message refers to the first (\(sizes))")
            } else {
                #expect(sizes[1] >= sizes[0] - 1, "no context takeover: each message alone (\(sizes))")
            }
        }
    }

    @Test("a message that inflates past the limit is refused before it is all inflated; corrupt data is invalid")
    func limits() throws {
        let allocator = ByteBufferAllocator()
        let sender = try Self.codec(), receiver = try Self.codec()
        let bomb = try #require(try sender.encode(ByteBuffer(repeating: 0, count: 4 << 20), allocator: allocator))
        #expect(bomb.readableBytes < 64 * 1024)  // over 64 times smaller than what it inflates to
        #expect(throws: WebSocketCodecError.tooLarge) { try receiver.decode(bomb, maxSize: 1 << 20, allocator: allocator) }
        #expect(throws: WebSocketCodecError.self) { try Self.codec().decode(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]), maxSize: 1 << 20, allocator: allocator) }
    }

    @Test("messages under the minimum size go out uncompressed")
    func minimumSize() throws {
        let codec = try Self.codec("permessage-deflate", PerMessageDeflate(minimumSize: 64))
        #expect(try codec.encode(ByteBuffer(string: "short"), allocator: ByteBufferAllocator()) == nil)
    }

    @Test("a route with compression: negotiated in the 101, a compressed frame is inflated, the answer is compressed", arguments: TestMode.allCases)
    func route(mode: TestMode) async throws {
        let app = App(configuration: quietConfiguration())
        app.webSocket("/echo", configuration: WebSocketConfiguration(compression: PerMessageDeflate(minimumSize: 0))) { _, ws in
            for await message in ws.messages { try await ws.send(message) }
        }
        try await app.test(mode) { client in
            let ws = client.connection
            let response = try await ws.openWebSocket("/echo", headers: [("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")])
            #expect(response.status == 101)
            #expect(response.header("Sec-WebSocket-Extensions") == "permessage-deflate")
            let clientEnd = try Self.codec()
            let text = ByteBuffer(string: String(repeating: "hello compressed world ", count: 30))
            let payload = try #require(try clientEnd.encode(text, allocator: ByteBufferAllocator()))
            try await ws.sendFrame(TestWebSocketFrame(rsv: 0x40, opcode: TestWebSocketFrame.text, payload: Array(buffer: payload)))
            let frame = try await ws.readFrame()
            #expect(frame.rsv == 0x40)
            #expect(try clientEnd.decode(ByteBuffer(bytes: frame.payload), maxSize: 1 << 20, allocator: ByteBufferAllocator()) == text)
            // Without the offer, the same route speaks uncompressed and refuses RSV1.
            let plain = try await client.connect()
            let refused = try await plain.openWebSocket("/echo")
            #expect(refused.header("Sec-WebSocket-Extensions") == nil)
            try await plain.sendFrame(TestWebSocketFrame(rsv: 0x40, opcode: TestWebSocketFrame.text, payload: Array(buffer: payload)))
            #expect(try await plain.readFrame().closeCode == 1002)
            try await ws.sendFrame(.close(1000))
            #expect(try await ws.readFrame().closeCode == 1000)
        }
    }
}
