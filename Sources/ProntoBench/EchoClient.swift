import Foundation
import NIOCore
import NIOPosix

/// Settings of `pronto-bench echo`, the uvloop toolbench's TCP echo client.
public struct EchoConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port: Int
    /// Message sizes in bytes; each is measured in its own run.
    public var sizes: [Int] = [1024, 10 * 1024, 100 * 1024]
    /// Connections, each with one message in flight.
    public var concurrency = 10
    /// Seconds per size (nil: until `messages` are done).
    public var duration: Double? = 5
    /// Messages per connection per size (nil: for `duration`).
    public var messages: Int?
    public var threads = 1
    /// Echo over WebSockets: each connection upgrades at this path, then sends each message
    /// as one masked text frame and waits for the whole echoed frame.
    public var webSocketPath: String?

    public init(port: Int) {
        self.port = port
    }

    public func validate() throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 1 }) else { throw BenchError.invalidOption("sizes must be at least 1 byte") }
        guard concurrency >= 1 else { throw BenchError.invalidOption("--concurrency must be at least 1") }
        guard duration != nil || messages != nil else { throw BenchError.invalidOption("give --duration or --messages") }
        if let duration { guard duration > 0 else { throw BenchError.invalidOption("--duration must be positive") } }
        if let messages { guard messages >= 1 else { throw BenchError.invalidOption("--messages must be at least 1") } }
        if let webSocketPath {
            guard webSocketPath.hasPrefix("/") else { throw BenchError.invalidOption("--websocket takes a path starting with /") }
        }
    }
}

/// Figures for one message size.
public struct EchoResult: Codable, Sendable, Equatable {
    public var size: Int
    public var concurrency: Int
    public var durationSeconds: Double
    /// Messages sent and fully echoed back.
    public var messages: Int
    public var messagesPerSecond: Double
    /// Message bytes per second one way, in MiB (2^20 bytes), as uvloop's client reports.
    public var mebibytesPerSecond: Double
    public var errors: Int
}

/// The report of `pronto-bench echo`.
public struct EchoReport: Codable, Sendable {
    public var host: String
    public var port: Int
    public var results: [EchoResult]

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func text() -> String {
        var lines = ["pronto-bench echo \(host):\(port)"]
        lines.append("  " + Format.padRight("size", 10) + Format.pad("conns", 6) + Format.pad("messages", 12)
            + Format.pad("msg/s", 13) + Format.pad("MiB/s", 10) + Format.pad("errors", 8))
        for r in results {
            let size = r.size % 1024 == 0 ? "\(r.size / 1024) KiB" : "\(r.size) B"
            lines.append("  " + Format.padRight(size, 10) + Format.pad("\(r.concurrency)", 6)
                + Format.pad(Format.grouped(r.messages), 12) + Format.pad(Format.groupedDecimal(r.messagesPerSecond), 13)
                + Format.pad(Format.decimal(r.mebibytesPerSecond, 2), 10) + Format.pad("\(r.errors)", 8))
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs the echo client: for each size, `concurrency` connections each send a message, wait
/// until all of it came back, and send the next.
public enum EchoClient {
    public static func run(_ configuration: EchoConfiguration) async throws -> EchoReport {
        try configuration.validate()
        let address = try LoadRunner.resolve(TargetURL(host: configuration.host, port: configuration.port))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        var results: [EchoResult] = []
        do {
            for size in configuration.sizes {
                results.append(try await runSize(size, configuration: configuration, address: address, group: group))
            }
            try await group.shutdownGracefully()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        return EchoReport(host: configuration.host, port: configuration.port, results: results)
    }

    private static func runSize(_ size: Int, configuration: EchoConfiguration, address: SocketAddress,
                                group: MultiThreadedEventLoopGroup) async throws -> EchoResult {
        var message = ByteBufferAllocator().buffer(capacity: size)
        message.writeRepeatingByte(0x61, count: size)
        var replySize = size
        var handshake: ByteBuffer?
        if let path = configuration.webSocketPath {
            // One masked text frame per message (the same mask each time: fine for a load
            // generator); the server's echo is the same payload under an unmasked header.
            message = WebSocketEcho.maskedTextFrame(size: size)
            replySize = WebSocketEcho.headerSize(payload: size, masked: false) + size
            handshake = ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: \(configuration.host)\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        }
        let start = monotonicNanos()
        var handlers: [(EventLoop, EchoClientHandler)] = []
        var errors = 0
        for _ in 0..<configuration.concurrency {
            let loop = group.next()
            let handler = EchoClientHandler(message: message, replySize: replySize, handshake: handshake,
                                            limit: configuration.messages ?? Int.max, done: loop.makePromise(of: Void.self))
            do {
                let channel = try await ClientBootstrap(group: loop)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(to: address).get()
                try await loop.submit { try channel.pipeline.syncOperations.addHandler(handler) }.get()
                handlers.append((loop, handler))
            } catch {
                errors += 1
            }
        }
        guard !handlers.isEmpty else {
            throw BenchError.invalidOption("cannot connect to \(configuration.host):\(configuration.port)")
        }
        let allDone = EventLoopFuture.andAllComplete(handlers.map { $0.1.done.futureResult }, on: group.next())
        if let duration = configuration.duration {
            let deadline = start &+ UInt64(duration * 1e9)
            let timer = group.next().scheduleTask(deadline: .uptimeNanoseconds(deadline)) {}
            // Whichever comes first: the duration or every connection's message count.
            let first = group.next().makePromise(of: Void.self)
            timer.futureResult.whenComplete { _ in first.succeed(()) }
            allDone.whenComplete { _ in first.succeed(()) }
            try await first.futureResult.get()
        } else {
            try await allDone.get()
        }
        let end = monotonicNanos()
        var messages = 0
        for (loop, handler) in handlers {
            let (count, failed) = try await loop.submit { handler.stop() }.get()
            messages += count
            errors += failed ? 1 : 0
        }
        let seconds = Double(end - start) / 1e9
        return EchoResult(
            size: size, concurrency: configuration.concurrency, durationSeconds: seconds, messages: messages,
            messagesPerSecond: Double(messages) / seconds,
            mebibytesPerSecond: Double(messages) * Double(size) / 1_048_576 / seconds, errors: errors)
    }
}

/// One echo connection: one message in flight, the next sent once all its bytes are back.
/// Confined to its channel's event loop (`@unchecked Sendable` only to cross into
/// `loop.submit`, which runs on that loop).
final class EchoClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let message: ByteBuffer
    /// Bytes that come back per message (the message, or its echoed frame).
    private let replySize: Int
    /// A WebSocket handshake sent first; the echo starts after its response.
    private let handshake: ByteBuffer?
    private var awaitingHandshake: ByteBuffer?
    private let limit: Int
    let done: EventLoopPromise<Void>
    private var received = 0
    private var messages = 0
    private var context: ChannelHandlerContext?
    private var stopped = false
    private var failed = false

    init(message: ByteBuffer, replySize: Int, handshake: ByteBuffer?, limit: Int, done: EventLoopPromise<Void>) {
        self.message = message
        self.replySize = replySize
        self.handshake = handshake
        self.limit = limit
        self.done = done
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let handshake {
            awaitingHandshake = context.channel.allocator.buffer(capacity: 256)
            context.writeAndFlush(wrapOutboundOut(handshake), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(message), promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        var bytes = unwrapInboundIn(data)
        if awaitingHandshake != nil {
            awaitingHandshake!.writeBuffer(&bytes)
            let head = String(buffer: awaitingHandshake!)
            guard let end = head.range(of: "\r\n\r\n") else { return }
            guard head.hasPrefix("HTTP/1.1 101") else {
                failed = true
                finish()
                context.close(promise: nil)
                return
            }
            // Bytes after the handshake response would be frames: none are expected yet.
            received = head.utf8.count - head.utf8.distance(from: head.startIndex, to: end.upperBound)
            awaitingHandshake = nil
            context.writeAndFlush(wrapOutboundOut(message), promise: nil)
            return
        }
        received += bytes.readableBytes
        let size = replySize
        if received >= size {
            // One message in flight, so at most one completes per read (extra bytes would mean
            // the peer sent more than it got: kept toward the next message).
            received -= size
            messages += 1
            if messages >= limit {
                finish()
                return
            }
            context.writeAndFlush(wrapOutboundOut(message), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !stopped { failed = true }
        finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if !stopped { failed = true }
        context.close(promise: nil)
    }

    private func finish() {
        guard !stopped else { return }
        stopped = true
        done.succeed(())
    }

    /// Stops and returns the messages echoed and whether the connection failed.
    func stop() -> (Int, Bool) {
        let result = (messages, failed)
        if !stopped { stopped = true; done.succeed(()) }
        context?.close(promise: nil)
        context = nil
        return result
    }
}

/// The frames of the WebSocket echo mode (RFC 6455 §5.2).
enum WebSocketEcho {
    static let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]

    static func headerSize(payload: Int, masked: Bool) -> Int {
        (payload < 126 ? 2 : payload < 65536 ? 4 : 10) + (masked ? 4 : 0)
    }

    /// A final text frame of `size` bytes of `a`, masked as a client's must be.
    static func maskedTextFrame(size: Int) -> ByteBuffer {
        var frame = ByteBufferAllocator().buffer(capacity: headerSize(payload: size, masked: true) + size)
        frame.writeInteger(UInt8(0x81))
        if size < 126 {
            frame.writeInteger(UInt8(0x80 | size))
        } else if size < 65536 {
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(size))
        } else {
            frame.writeInteger(UInt8(0x80 | 127))
            frame.writeInteger(UInt64(size))
        }
        frame.writeBytes(mask)
        for index in 0..<size { frame.writeInteger(UInt8(0x61) ^ mask[index % 4]) }
        return frame
    }
}
