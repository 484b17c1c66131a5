import Pronto
import ProntoCompression

/// hello's WebSocket routes: `/ws/echo` sends every message back as it came (text stays
/// text, binary stays binary), the page in `Public/` and the benchmarks talk to it. Clients
/// that offer permessage-deflate (browsers do) get compressed messages.
enum WebSocketRoutes {
    static func add(to app: App) {
        app.webSocket("/ws/echo", configuration: WebSocketConfiguration(compression: PerMessageDeflate())) { _, ws in
            for await message in ws.messages {
                try await ws.send(message)
            }
        }
    }
}
