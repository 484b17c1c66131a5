// The Streaming guide's example, verbatim between the markers: StreamingGuideTests checks
// that Sources/Pronto/Pronto.docc/Streaming.md shows exactly this code, and runs it.
import Pronto

// BEGIN GUIDE EXAMPLE
func makeStreamingApp() -> App {
    let app = App()

    // A request body as it arrives: reading from the socket pauses while this loop lags.
    app.post("/count", body: .stream(maxSize: 10 * 1024 * 1024)) { request in
        var bytes = 0
        for try await piece in request.bodyStream! {
            bytes += piece.readableBytes
        }
        return "\(bytes) bytes\n"
    }

    // A response body written while it is sent (chunked): each write waits while the
    // client is not reading.
    app.get("/numbers") { _ in
        Response.stream(contentType: "text/plain") { writer in
            for number in 1...3 {
                try await writer.write("\(number)\n")
            }
        }
    }

    // Server-sent events; a reconnecting browser sends the last id it saw.
    app.get("/ticks") { request in
        let start = Int(request.lastEventID ?? "") ?? 0
        return Response.eventStream { events in
            for tick in (start + 1)...(start + 3) {
                try await events.send(ServerSentEvent(data: "tick \(tick)", id: "\(tick)"))
            }
        }
    }
    return app
}
// END GUIDE EXAMPLE
