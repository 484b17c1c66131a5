import Pronto

/// hello's WebSocket routes: `/ws/echo` sends every message back as it came (text stays
/// text, binary stays binary), the page in `Public/` and the benchmarks talk to it.
enum WebSocketRoutes {
    static func add(to app: App) {
        app.webSocket("/ws/echo") { _, ws in
            for await message in ws.messages {
                try await ws.send(message)
            }
        }
    }
}
