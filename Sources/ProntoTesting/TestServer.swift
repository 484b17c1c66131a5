#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOEmbedded
import NIOPosix
import ProntoCore

/// How a test talks to the code under test.
public enum TestMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// No socket: each connection is an `NIOAsyncTestingChannel` running Pronto's connection
    /// handler. Fast, deterministic, with a virtual clock (``TestConnection/advanceTime(by:)``).
    case inProcess
    /// A real `Server` on 127.0.0.1 with an ephemeral port, reached over TCP.
    case live

    public var description: String { rawValue }
}

/// A server under test, in either ``TestMode``.
public final class TestServer: Sendable {
    /// How requests reach the server: in process or over a socket.
    public let mode: TestMode
    /// The configuration the server runs with.
    public let configuration: ServerConfiguration
    let handler: HTTPHandler
    /// The live server (nil in-process).
    public let server: Server?
    let clientGroup: MultiThreadedEventLoopGroup?

    init(mode: TestMode, configuration: ServerConfiguration, handler: HTTPHandler) async throws {
        // Either mode refuses an invalid configuration up front, as a server would.
        try configuration.validate()
        self.mode = mode
        self.handler = handler
        var configuration = configuration
        switch mode {
        case .inProcess:
            server = nil
            clientGroup = nil
        case .live:
            if case .tcp(let host, _) = configuration.target { configuration.target = .tcp(host: host, port: 0) }
            configuration.eventLoopThreads = 1
            let server = Server(configuration: configuration, handler: handler)
            try await server.start()
            self.server = server
            clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        }
        self.configuration = configuration
    }

    /// Opens a new client connection.
    public func connect() async throws -> TestConnection {
        try await connect(sending: [])
    }

    /// Opens a new client connection and sends `bytes` on it at once. Live, they are written
    /// by the client's event loop as soon as the socket connects, not by the test's task:
    /// on a busy machine that task may resume seconds later, past a short server timeout
    /// that counts from the connect, and a test of that timeout would then be timing the
    /// test runner. Use it where the server's clock starts at the connection's opening.
    public func connect(sending text: String) async throws -> TestConnection {
        try await connect(sending: Array(text.utf8))
    }

    /// ``connect(sending:)-(String)`` with raw bytes.
    public func connect(sending bytes: [UInt8]) async throws -> TestConnection {
        let inbox = ByteInbox()
        switch mode {
        case .inProcess:
            let channel = NIOAsyncTestingChannel()
            let configuration = self.configuration
            let handler = self.handler
            try await channel.testingEventLoop.executeInContext {
                try channel.pipeline.syncOperations.addHandler(OutboundCapture(inbox: inbox))
                try ServerConnection.configure(channel, configuration: configuration, handler: handler)
            }
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40000))
            let connection = TestConnection(transport: .inProcess(channel), inbox: inbox)
            if !bytes.isEmpty { try await connection.send(bytes) }
            return connection
        case .live:
            guard let server, let address = server.localAddress, let clientGroup else {
                throw TestClientError("the test server is not running")
            }
            let channel = try await ClientBootstrap(group: clientGroup)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(InboundCapture(inbox: inbox))
                    }
                }
                .connect(to: address)
                .flatMap { channel in
                    // On the client's loop, right after the connect (see the doc comment).
                    bytes.isEmpty ? channel.eventLoop.makeSucceededFuture(channel)
                        : channel.writeAndFlush(ByteBuffer(bytes: bytes)).map { channel }
                }
                .get()
            return TestConnection(transport: .live(channel), inbox: inbox)
        }
    }

    /// Stops the server gracefully (live) and releases the client threads.
    public func stop() async {
        await server?.shutdown()
        if let clientGroup { try? await clientGroup.shutdownGracefully() }
    }
}

/// Runs `body` with a server under test, and stops it afterwards (also on error).
public func withTestServer<T: Sendable>(
    _ mode: TestMode, configuration: ServerConfiguration = .init(), handler: HTTPHandler,
    _ body: (TestServer) async throws -> T
) async throws -> T {
    let server = try await TestServer(mode: mode, configuration: configuration, handler: handler)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// In-process: what the server writes goes to the test's inbox; a half-close of the
/// server's output is the client's end of stream.
final class OutboundCapture: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData
    let inbox: ByteInbox

    init(inbox: ByteInbox) { self.inbox = inbox }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .byteBuffer(let buffer):
            inbox.deliver(buffer.readableBytesView)
        case .fileRegion(let region):
            // What `sendfile` would send: the region's bytes, read here.
            do {
                inbox.deliver(try region.readAll())
            } catch {
                promise?.fail(error)
                return
            }
        }
        promise?.succeed()
    }

    func read(context: ChannelHandlerContext) {
        inbox.countRead()
        context.read()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        inbox.close()
        if mode == .output {
            promise?.succeed()
        } else {
            context.close(mode: mode, promise: promise)
        }
    }
}

/// Live: bytes from the server go to the test's inbox; the end of stream closes it.
final class InboundCapture: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let inbox: ByteInbox

    init(inbox: ByteInbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.deliver(unwrapInboundIn(data).readableBytesView)
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.close()
        context.fireChannelInactive()
    }
}

extension FileRegion {
    /// The region's bytes (tests only: a socket sends them with `sendfile`).
    func readAll() throws -> [UInt8] {
        try fileHandle.withUnsafeFileDescriptor { descriptor in
            var bytes = [UInt8](repeating: 0, count: readableBytes)
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, $0.count - done, off_t(readerIndex + done)) }
                guard n > 0 else { throw TestClientError("cannot read the file region (pread returned \(n))") }
                done += n
            }
            return bytes
        }
    }
}
