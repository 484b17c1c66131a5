// The WebSockets guide's example, verbatim between the markers: WebSocketGuideTests checks
// that Sources/Pronto/Pronto.docc/WebSockets.md shows exactly this code, and runs it.
import Pronto

// BEGIN GUIDE EXAMPLE
/// Who is in which room. An actor: members join and leave from many connections at once.
actor ChatRooms {
    private var rooms: [String: [ObjectIdentifier: WebSocket]] = [:]

    func join(_ room: String, _ member: WebSocket) {
        rooms[room, default: [:]][ObjectIdentifier(member)] = member
    }

    func leave(_ room: String, _ member: WebSocket) {
        rooms[room]?[ObjectIdentifier(member)] = nil
    }

    func members(of room: String) -> [WebSocket] {
        Array(rooms[room, default: [:]].values)
    }
}

func makeChatApp() -> App {
    let app = App()
    let rooms = ChatRooms()

    // Refused before the upgrade, with an ordinary response, when the name is missing.
    app.webSocket("/chat/{room}", shouldUpgrade: { request in
        request.query("name") == nil ? Response(status: .badRequest, body: .string("add ?name=\n")) : nil
    }) { request, ws in
        let room = request.parameter("room") ?? "lobby"
        let name = request.query("name") ?? "anonymous"
        await rooms.join(room, ws)
        // Every text message goes to everyone in the room, its sender included. The loop
        // ends when this member's connection closes.
        for await message in ws.messages {
            guard let text = message.text else { continue }
            for member in await rooms.members(of: room) {
                try? await member.send(text: "\(name): \(text)")
            }
        }
        await rooms.leave(room, ws)
    }
    return app
}
// END GUIDE EXAMPLE
