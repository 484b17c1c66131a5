import NIOCore
import NIOEmbedded
import ProntoCore

/// One client connection to a server under test, in-process or over a real socket:
/// the same calls in both modes, so one test covers both.
///
/// ```swift
/// try await withTestServer(.inProcess, handler: handler) { server in
///     let connection = try await server.connect()
///     let response = try await connection.request("GET", "/plaintext")
///     #expect(response.status == 200)
/// }
/// ```
/// Every wait is bounded (``TestConnection/timeout``): a test fails, it never hangs.
public actor TestConnection {
    enum Transport: Sendable {
        case inProcess(NIOAsyncTestingChannel)
        case live(any Channel)
    }

    let transport: Transport
    let inbox: ByteInbox
    var parser = ResponseStreamParser()
    /// Seconds to wait for a response or a close.
    public var timeout: Double = 5

    /// Sets ``timeout``: longer for a live test that waits for a server-side timer, whose
    /// deadline counts from when the server saw the bytes (later than sent on a busy machine).
    public func setTimeout(_ seconds: Double) {
        timeout = seconds
    }

    init(transport: Transport, inbox: ByteInbox) {
        self.transport = transport
        self.inbox = inbox
    }

    /// Sends raw bytes, exactly as given (in one read, in-process).
    public func send(_ bytes: [UInt8]) async throws {
        switch transport {
        case .inProcess(let channel):
            try await channel.writeInbound(ByteBuffer(bytes: bytes))
            await channel.testingEventLoop.run()
        case .live(let channel):
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        }
    }

    /// Sends a string's UTF-8 bytes, exactly as given (write CRLFs yourself).
    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Reads the next response. Pass `isHead` for the answer to a HEAD request.
    public func readResponse(isHead: Bool = false) async throws -> TestResponse {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            let (bytes, closed) = inbox.take()
            parser.append(bytes)
            parser.closed = closed
            if let response = try parser.next(isHead: isHead) { return response }
            if closed { throw TestClientError("the server closed the connection before a complete response") }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestClientError("no response from the server within \(timeout) s") }
            try await waitForChange(left)
        }
    }

    /// Waits for bytes or a close. In-process, the testing event loop runs only when told:
    /// run it, and look again in short steps so jobs scheduled meanwhile (async handlers)
    /// make progress too.
    func waitForChange(_ left: Duration) async throws {
        let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
        switch transport {
        case .inProcess(let channel):
            await channel.testingEventLoop.run()
            do {
                try await inbox.waitForChange(seconds: min(seconds, 0.005))
            } catch {
                if seconds <= 0.005 { throw error }
            }
        case .live:
            try await inbox.waitForChange(seconds: seconds)
        }
    }

    /// Sends a request built from its parts and reads its response.
    public func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        version: String = "HTTP/1.1"
    ) async throws -> TestResponse {
        var text = "\(method) \(target) \(version)\r\n"
        if !headers.contains(where: { $0.0.lowercased() == "host" }) { text += "Host: test\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body, !headers.contains(where: { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }) {
            text += "Content-Length: \(body.count)\r\n"
        }
        text += "\r\n"
        try await send(Array(text.utf8) + (body ?? []))
        return try await readResponse(isHead: method == "HEAD")
    }

    /// Waits until the bytes received and not yet read as responses contain `marker`, and
    /// returns them all (they stay unread): for a response still being streamed.
    public func waitForBytes(containing marker: String) async throws -> [UInt8] {
        let wanted = Array(marker.utf8)
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            let (bytes, closed) = inbox.take()
            parser.append(bytes)
            if parser.buffer.count >= wanted.count,
               (0...(parser.buffer.count - wanted.count)).contains(where: { parser.buffer[$0..<($0 + wanted.count)].elementsEqual(wanted) }) {
                return parser.buffer
            }
            if closed { throw TestClientError("the server closed the connection before sending \(marker.debugDescription)") }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestClientError("\(marker.debugDescription) not received within \(timeout) s") }
            try await waitForChange(left)
        }
    }

    /// Waits until the server closes the connection (its write side at least) and returns
    /// the bytes that came before the close and were not read as responses.
    public func waitForClose() async throws -> [UInt8] {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            let (bytes, closed) = inbox.take()
            parser.append(bytes)
            if closed { return parser.buffer }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestClientError("the server did not close the connection within \(timeout) s") }
            try await waitForChange(left)
        }
    }

    /// How many writes the server made to this connection so far (in-process only: a live
    /// socket merges writes). Pronto writes once per read batch.
    public var serverWrites: Int { inbox.deliveries }

    /// In-process only: asks the server's channel to read, as NIO does after each read when
    /// it is not told to wait. A server applying backpressure holds the request back; see
    /// ``serverReads`` for the reads that reached the socket.
    public func askServerToRead() async {
        if case .inProcess(let channel) = transport {
            channel.pipeline.read()
            await channel.testingEventLoop.run()
        }
    }

    /// In-process only: how many reads the server let through to the socket (held back
    /// while it applies backpressure, let through when it resumes).
    public var serverReads: Int { inbox.reads }

    /// True when the server has closed the connection (no waiting).
    public var isClosedByServer: Bool {
        let (bytes, closed) = inbox.take()
        parser.append(bytes)
        return closed
    }

    /// Moves the in-process clock forward (timers fire as if time had passed). Live
    /// connections run on the real clock: use short timeouts and ``waitForClose()`` there.
    public func advanceTime(by amount: TimeAmount) async {
        if case .inProcess(let channel) = transport {
            await channel.testingEventLoop.advanceTime(by: amount)
        }
    }

    /// In-process only: makes the server's channel report itself writable or not, as a
    /// socket does when the peer stops reading, and tells the pipeline.
    public func setServerWritable(_ writable: Bool) async {
        if case .inProcess(let channel) = transport {
            channel.isWritable = writable
            channel.pipeline.fireChannelWritabilityChanged()
            await channel.testingEventLoop.run()
        }
    }

    /// In-process only: tells the server's side of this connection that a graceful shutdown
    /// began, as `Server/shutdown()` tells every connection (NIO's
    /// `ChannelShouldQuiesceEvent`). Live connections: shut the server down instead.
    public func beginShutdown() async {
        if case .inProcess(let channel) = transport {
            ServerConnection.quiesce(channel)
            await channel.testingEventLoop.run()
        }
    }

    /// In-process: runs what is queued on the event loop (async handlers, timers due). Live:
    /// nothing to do, the server's loop runs by itself.
    public func runPendingWork() async {
        if case .inProcess(let channel) = transport {
            await channel.testingEventLoop.run()
        }
    }

    /// Closes the client side.
    public func close() async {
        switch transport {
        case .inProcess(let channel):
            _ = try? await channel.close()
        case .live(let channel):
            try? await channel.close()
        }
    }
}
