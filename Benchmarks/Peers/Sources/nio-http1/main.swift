// nio-http1: a raw SwiftNIO + NIOHTTP1 peer for Pronto's macro benchmarks.
//
//   GET /plaintext -> "Hello, World!"               (text/plain)
//   GET /json      -> {"message":"Hello, World!"}   (application/json, JSONEncoder per request)
//   GET /hello/NAME -> {"message":"Hello NAME"}     (application/json, JSONEncoder per request)
//   anything else  -> 404
//
// Usage: nio-http1 [--host 127.0.0.1] [--port 8080] [--threads 1]   (or: nio-http1 PORT)

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Arguments

struct Options {
    var host = "127.0.0.1"
    var port = 8080
    var threads = 1

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) -> String {
            index += 1
            guard index < arguments.count else {
                fatalError("missing value for \(name)")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--host": options.host = value(argument)
            case "--port": options.port = Int(value(argument)) ?? options.port
            case "--threads": options.threads = max(1, Int(value(argument)) ?? 1)
            default:
                if let port = Int(argument) {
                    options.port = port
                } else {
                    fatalError("unknown argument \(argument)")
                }
            }
            index += 1
        }
        return options
    }
}

// MARK: - Date header (IMF-fixdate, recomputed at most once per second per connection)

struct DateHeader {
    private var second: time_t = -1
    private var cached = ""

    mutating func current() -> String {
        let now = time(nil)
        if now != self.second {
            self.second = now
            var t = now
            var parts = tm()
            gmtime_r(&t, &parts)
            var buffer = [CChar](repeating: 0, count: 64)
            let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            self.cached = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return self.cached
    }
}

struct Message: Encodable {
    let message: String
}

// MARK: - Handler

final class HTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Route { case plaintext, json, hello(String), notFound }

    private var route = Route.notFound
    private var keepAlive = true
    private var date = DateHeader()
    private var plaintextBody: ByteBuffer!
    private let encoder = JSONEncoder()

    func handlerAdded(context: ChannelHandlerContext) {
        self.plaintextBody = context.channel.allocator.buffer(string: "Hello, World!")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.keepAlive = head.isKeepAlive
            if head.method == .GET {
                switch head.uri {
                case "/plaintext": self.route = .plaintext
                case "/json": self.route = .json
                case let uri where uri.hasPrefix("/hello/"): self.route = .hello(String(uri.dropFirst(7)))
                default: self.route = .notFound
                }
            } else {
                self.route = .notFound
            }
        case .body:
            break
        case .end:
            self.respond(context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    private func respond(context: ChannelHandlerContext) {
        let status: HTTPResponseStatus
        let contentType: String
        let body: ByteBuffer
        switch self.route {
        case .plaintext:
            status = .ok
            contentType = "text/plain"
            body = self.plaintextBody
        case .json:
            status = .ok
            contentType = "application/json"
            let data = try! self.encoder.encode(Message(message: "Hello, World!"))
            body = context.channel.allocator.buffer(bytes: data)
        case .hello(let name):
            status = .ok
            contentType = "application/json"
            let data = try! self.encoder.encode(Message(message: "Hello \(name)"))
            body = context.channel.allocator.buffer(bytes: data)
        case .notFound:
            status = .notFound
            contentType = "text/plain"
            body = context.channel.allocator.buffer(string: "Not Found")
        }
        var headers = HTTPHeaders()
        headers.reserveCapacity(4)
        headers.add(name: "Server", value: "nio-http1")
        headers.add(name: "Date", value: self.date.current())
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if !self.keepAlive {
            headers.add(name: "Connection", value: "close")
        }
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        if self.keepAlive {
            context.write(self.wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
                loopBound.value.close(promise: nil)
            }
        }
    }
}

// MARK: - Main

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)

let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelOption(.maxMessagesPerRead, value: 16)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(HTTPHandler())
        }
    }

let channel = try bootstrap.bind(host: options.host, port: options.port).wait()
print("nio-http1 listening on \(channel.localAddress!) with \(options.threads) event loop thread(s)")
try channel.closeFuture.wait()
try group.syncShutdownGracefully()
