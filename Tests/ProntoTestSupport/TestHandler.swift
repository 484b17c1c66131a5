import ProntoCore

/// A handler like the hello example's, plus routes the engine tests need.
public func testHandler(gates: [String: Gate] = [:], calls: Counter = Counter(), marks: EventLog = EventLog()) -> HTTPHandler {
    HTTPHandler { request in
        calls.increment()
        let path = request.path
        switch path {
        case "/plaintext":
            return .response(Response(contentType: "text/plain", body: .string("Hello, World!")))
        case "/echo":
            return .response(Response(contentType: request.contentType, body: request.body.map { .bytes($0) } ?? .empty))
        case "/async-echo":
            return .async { request in
                Response(contentType: request.contentType, body: request.body.map { .bytes($0) } ?? .empty)
            }
        case "/async-yield":
            return .async { request in
                await Task.yield()
                return .text("yielded \(request.query ?? "")")
            }
        case "/throw":
            struct Boom: Error {}
            throw Boom()
        case "/async-throw":
            return .async { _ in
                struct AsyncBoom: Error {}
                throw AsyncBoom()
            }
        case "/inject":
            return .response(Response(headers: ["X-Evil": "a\r\nSet-Cookie: x=1"], body: .string("no")))
        case "/big":
            return .response(Response(contentType: "application/octet-stream", body: .string(String(repeating: "x", count: 300_000))))
        case "/head-info":
            return .response(.text("\(request.methodName) \(request.target) \(request.header("x-test") ?? "-")"))
        default:
            if path.hasPrefix("/echo-path/") {
                return .response(.text(path))
            }
            if path.hasPrefix("/mark/") {
                let name = String(path.dropFirst("/mark/".count))
                return .async { _ in
                    marks.append(name)
                    return .text("marked \(name)")
                }
            }
            if path.hasPrefix("/async/") {
                let name = String(path.dropFirst("/async/".count))
                let gate = gates[name]
                return .async { request in
                    await gate?.wait()
                    return .text("async \(name)")
                }
            }
            return .response(Response(status: .notFound, body: .string("not found")))
        }
    }
}
