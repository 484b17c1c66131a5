import NIOCore
import NIOPosix
import Synchronization

/// How the in-test server answers.
enum ServerBehavior: Sendable {
    /// 200 with a short body, in order.
    case ok
    /// Always this status (with a short body).
    case status(Int)
    /// 200 with `Content-Length: 5` and no body (an answer to HEAD).
    case headOnly
    /// 200, chunked body with an extension and a trailer.
    case chunked
    /// Echoes `X-Pronto-Seq`, answering every group of `window` requests in reverse order.
    case reverse(window: Int)
    /// Echoes `X-Pronto-Seq`, in order.
    case echoSequence
    /// Not HTTP.
    case garbage
    /// Two responses per request.
    case double
    /// Reads the request and never answers.
    case silent
    /// Reads the request and closes the connection without answering.
    case closeWithoutAnswer
    /// 200 in order, but holds back the answer to the request with global index `at`
    /// (and everything after it on that connection) for `milliseconds`.
    case stallOnce(at: Int, milliseconds: Int64)
}

/// A tiny HTTP/1.1 server for the generator's tests: finds request heads by their empty line
/// (like Benchmarks/LimitServer/limit.c) and answers as `behavior` says. 127.0.0.1, port 0.
final class TestHTTPServer: Sendable {
    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    let behavior: ServerBehavior
    /// Request heads seen, over all connections.
    let requestCount = Atomic<Int>(0)
    let connectionCount = Atomic<Int>(0)

    var port: Int { channel.localAddress!.port! }
    var url: String { "http://127.0.0.1:\(port)/test" }

    private init(group: MultiThreadedEventLoopGroup, channel: Channel, behavior: ServerBehavior) {
        self.group = group
        self.channel = channel
        self.behavior = behavior
    }

    static func start(_ behavior: ServerBehavior) async throws -> TestHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TestHTTPHandler(server: box.server!))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = TestHTTPServer(group: group, channel: channel, behavior: behavior)
        box.server = server
        return server
    }

    func shutdown() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    /// Runs `body` with a started server, then shuts it down.
    static func with<T>(_ behavior: ServerBehavior, _ body: (TestHTTPServer) async throws -> T) async throws -> T {
        let server = try await start(behavior)
        do {
            let result = try await body(server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }
}

/// Set once before the first connection is accepted (bind returns before any accept runs a
/// child initializer that could read it... and the tests connect only after `start`).
private final class ServerBox: @unchecked Sendable {
    var server: TestHTTPServer?
}

private final class TestHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let server: TestHTTPServer
    private var head: [UInt8] = []
    private var reversed: [ByteBuffer] = []
    private var stalledUntilDone = false
    private var held: [ByteBuffer] = []

    init(server: TestHTTPServer) {
        self.server = server
    }

    func channelActive(context: ChannelHandlerContext) {
        server.connectionCount.add(1, ordering: .relaxed)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        while let byte = buffer.readInteger(as: UInt8.self) {
            head.append(byte)
            if head.count >= 4 && head.suffix(4) == [13, 10, 13, 10] {
                let index = server.requestCount.add(1, ordering: .relaxed).newValue - 1
                answer(context: context, index: index, sequence: Self.sequence(in: head))
                head.removeAll(keepingCapacity: true)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    static func sequence(in head: [UInt8]) -> String? {
        let text = String(decoding: head, as: UTF8.self)
        for line in text.split(separator: "\r\n") where line.lowercased().hasPrefix("x-pronto-seq:") {
            return line.dropFirst("x-pronto-seq:".count).trimmingSpaces()
        }
        return nil
    }

    static func response(status: Int = 200, extra: String = "", body: String = "hello") -> ByteBuffer {
        ByteBuffer(string: "HTTP/1.1 \(status) X\r\nServer: test\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)")
    }

    private func answer(context: ChannelHandlerContext, index: Int, sequence: String?) {
        switch server.behavior {
        case .ok:
            context.write(wrapOutboundOut(Self.response()), promise: nil)
        case .status(let status):
            context.write(wrapOutboundOut(Self.response(status: status)), promise: nil)
        case .headOnly:
            context.write(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 X\r\nContent-Length: 5\r\n\r\n")), promise: nil)
        case .chunked:
            let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n"
            context.write(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
        case .echoSequence:
            context.write(wrapOutboundOut(Self.response(extra: "X-Pronto-Seq: \(sequence ?? "none")\r\n")), promise: nil)
        case .reverse(let window):
            reversed.append(Self.response(extra: "X-Pronto-Seq: \(sequence ?? "none")\r\n"))
            if reversed.count == window {
                for response in reversed.reversed() { context.write(wrapOutboundOut(response), promise: nil) }
                reversed.removeAll()
            }
        case .garbage:
            context.write(wrapOutboundOut(ByteBuffer(string: "HELLO THERE\r\n\r\n")), promise: nil)
        case .double:
            context.write(wrapOutboundOut(Self.response()), promise: nil)
            context.write(wrapOutboundOut(Self.response()), promise: nil)
        case .silent:
            break
        case .closeWithoutAnswer:
            context.close(promise: nil)
        case .stallOnce(let at, let milliseconds):
            let response = Self.response()
            if index == at {
                stalledUntilDone = true
                held.append(response)
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(milliseconds)) {
                    self.stalledUntilDone = false
                    for r in self.held { context.write(self.wrapOutboundOut(r), promise: nil) }
                    self.held.removeAll()
                    context.flush()
                }
            } else if stalledUntilDone {
                held.append(response)
            } else {
                context.write(wrapOutboundOut(response), promise: nil)
            }
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
