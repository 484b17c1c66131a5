// nio-floor: SwiftNIO's own limit for Pronto's macro benchmarks, beside the C limit server.
//
// A channel handler that does what limit.c does and nothing more: it counts request ends
// ("\r\n\r\n"; GET requests without bodies, as the benchmark sends), looks at the start of
// each request line to tell /json from anything else, and answers each with a canned
// response (its Date refreshed once a second), all the answers of one read batch in one
// write. No parsing, no routing, no allocation per request: whatever a server built on
// SwiftNIO spends beyond this is its own.
//
// Usage: nio-floor [--host 127.0.0.1] [--port 8080] [--threads 1]

import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Options {
    var host = "127.0.0.1"
    var port = 8080
    var threads = 1

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            index += 1
            guard index < arguments.count else { fatalError("missing value for \(name)") }
            let value = arguments[index]
            index += 1
            switch name {
            case "--host": options.host = value
            case "--port": options.port = Int(value) ?? options.port
            case "--threads": options.threads = max(1, Int(value) ?? 1)
            default: fatalError("unknown argument \(name)")
            }
        }
        return options
    }
}

/// The canned answers of one event loop, their Date refreshed once a second on that loop.
final class Answers: @unchecked Sendable {  // used only on its own loop
    private(set) var plaintext: ByteBuffer
    private(set) var json: ByteBuffer

    init(allocator: ByteBufferAllocator) {
        plaintext = allocator.buffer(capacity: 0)
        json = allocator.buffer(capacity: 0)
        refresh(allocator: allocator)
    }

    func refresh(allocator: ByteBufferAllocator) {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var text = [CChar](repeating: 0, count: 64)
        let count = strftime(&text, text.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        let date = String(decoding: text[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        plaintext = allocator.buffer(string: "HTTP/1.1 200 OK\r\nServer: F\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nDate: \(date)\r\n\r\nHello, World!")
        json = allocator.buffer(string: "HTTP/1.1 200 OK\r\nServer: F\r\nContent-Type: application/json\r\nContent-Length: 27\r\nDate: \(date)\r\n\r\n{\"message\":\"Hello, World!\"}")
    }
}

final class FloorHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let answers: Answers
    /// The three bytes before this read, for a request end split across reads.
    private var carry: (UInt8, UInt8, UInt8) = (0, 0, 0)
    /// The start of a request line split across reads ("GET /json" and the byte after).
    private var head: [UInt8] = []
    private var output: ByteBuffer?

    init(answers: Answers) {
        self.answers = answers
        head.reserveCapacity(10)
    }

    /// Whether a request line starting with `line` asks for /json (GET /json, then ' ' or '?').
    private static func isJSON<C: Collection<UInt8>>(_ line: C) -> Bool {
        line.count >= 10 && line.prefix(9).elementsEqual("GET /json".utf8)
            && (line.dropFirst(9).first == UInt8(ascii: " ") || line.dropFirst(9).first == UInt8(ascii: "?"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let input = unwrapInboundIn(data)
        var plain = 0
        var json = 0
        input.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            // A request line begun in an earlier read: complete its first 10 bytes.
            var lineStart = 0
            if !head.isEmpty {
                let take = min(10 - head.count, count)
                head += bytes[..<take]
                lineStart = -1  // decided once the line's end is found
            }
            var position = 0
            // memchr finds each LF with SIMD; only there are the bytes before it looked at.
            while position < count, let found = memchr(base + position, 0x0A, count - position) {
                let index = base.distance(to: UnsafeRawPointer(found))
                position = index + 1
                let b1 = index >= 1 ? bytes[index - 1] : carry.2
                let b2 = index >= 2 ? bytes[index - 2] : (index == 1 ? carry.2 : carry.1)
                let b3 = index >= 3 ? bytes[index - 3] : (index == 2 ? carry.2 : index == 1 ? carry.1 : carry.0)
                guard b1 == 13, b2 == 10, b3 == 13 else { continue }
                let asksJSON = lineStart < 0 ? Self.isJSON(head) : Self.isJSON(bytes[lineStart..<min(lineStart + 10, count)])
                if asksJSON { json += 1 } else { plain += 1 }
                lineStart = position
                head.removeAll(keepingCapacity: true)
            }
            if lineStart >= 0, lineStart < count, count - lineStart < 10 { head += bytes[lineStart...] }
            carry = (count >= 3 ? bytes[count - 3] : count == 2 ? carry.2 : count == 1 ? carry.1 : carry.0,
                     count >= 2 ? bytes[count - 2] : count == 1 ? carry.2 : carry.1,
                     count >= 1 ? bytes[count - 1] : carry.2)
        }
        guard plain + json > 0 else { return }
        var buffer = output ?? context.channel.allocator.buffer(capacity: (plain + json) * answers.json.readableBytes)
        for _ in 0..<plain { buffer.writeImmutableBuffer(answers.plaintext) }
        for _ in 0..<json { buffer.writeImmutableBuffer(answers.json) }
        output = buffer
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let buffer = output {
            output = nil
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

func serve(_ options: Options) throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
    var answersByLoop: [ObjectIdentifier: Answers] = [:]
    for loop in group.makeIterator() {
        let answers = try loop.submit { Answers(allocator: ByteBufferAllocator()) }.wait()
        answersByLoop[ObjectIdentifier(loop)] = answers
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            answers.refresh(allocator: ByteBufferAllocator())
        }
    }
    let loopsAnswers = answersByLoop
    let channel = try ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 4096)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .serverChannelOption(.maxMessagesPerRead, value: 256)
        .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        .childChannelOption(.maxMessagesPerRead, value: 16)
        // Pronto's receive buffers (512 B to start, growing with what arrives): the same
        // socket settings, so that memory per connection compares too.
        .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536))
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(FloorHandler(answers: loopsAnswers[ObjectIdentifier(channel.eventLoop)]!))
            }
        }
        .bind(host: options.host, port: options.port)
        .wait()
    print("nio-floor listening on \(channel.localAddress!)")
    try channel.closeFuture.wait()
}

try serve(Options.parse(Array(CommandLine.arguments.dropFirst())))
