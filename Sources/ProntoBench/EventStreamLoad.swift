import Foundation
import Histogram
import NIOCore
import NIOPosix

/// Settings of `pronto-bench events`: many clients hold a server-sent event stream open and
/// measure how late each event arrives.
///
/// The server must put its send time in each event's data, as Unix milliseconds (a decimal
/// number, e.g. `data: 1764540000123.456`); hello's `/sse/clock` does. The delay of an event is
/// the receive time minus that: the server's scheduling and write path plus the client's read
/// path (both on this machine, so one clock).
public struct EventStreamLoadConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port: Int
    public var path = "/sse/clock"
    public var connections = 1000
    /// Seconds measured once every connection is open.
    public var duration: Double = 10
    public var threads = 1

    public init(port: Int) { self.port = port }

    public func validate() throws {
        guard connections >= 1 else { throw BenchError.invalidOption("--connections must be at least 1") }
        guard duration > 0 else { throw BenchError.invalidOption("--duration must be positive") }
        guard path.hasPrefix("/") else { throw BenchError.invalidOption("--path must start with /") }
    }
}

/// The report of `pronto-bench events`.
public struct EventStreamLoadReport: Codable, Sendable {
    public var connections: Int
    /// Connections that were open and receiving at the end.
    public var connected: Int
    public var durationSeconds: Double
    public var events: Int
    /// Delays in milliseconds.
    public var p50: Double
    public var p99: Double
    public var max: Double
    public var errors: Int

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func text() -> String {
        """
        pronto-bench events: \(connected) of \(connections) connections for \(Format.decimal(durationSeconds, 1)) s
          events received: \(Format.grouped(events)), errors: \(errors)
          delivery delay: p50 \(Format.decimal(p50, 2)) ms, p99 \(Format.decimal(p99, 2)) ms, max \(Format.decimal(max, 2)) ms
        """
    }
}

/// Opens the connections, measures for the duration, closes them.
public enum EventStreamLoad {
    public static func run(_ configuration: EventStreamLoadConfiguration) async throws -> EventStreamLoadReport {
        try configuration.validate()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: Swift.max(1, configuration.threads))
        do {
            let report = try await measure(configuration, group: group)
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func measure(_ configuration: EventStreamLoadConfiguration, group: MultiThreadedEventLoopGroup) async throws -> EventStreamLoadReport {
        let address = try LoadRunner.resolve(TargetURL(host: configuration.host, port: configuration.port))
        let request = "GET \(configuration.path) HTTP/1.1\r\nHost: \(configuration.host)\r\nAccept: text/event-stream\r\n\r\n"
        var clients: [(any Channel, EventStreamClientHandler)] = []
        var errors = 0
        for _ in 0..<configuration.connections {
            let handler = EventStreamClientHandler()
            do {
                let channel = try await ClientBootstrap(group: group)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
                    }
                    .connect(to: address).get()
                try await channel.writeAndFlush(ByteBuffer(string: request))
                clients.append((channel, handler))
            } catch {
                errors += 1
            }
        }
        guard !clients.isEmpty else { throw BenchError.invalidOption("cannot connect to \(configuration.host):\(configuration.port)") }
        // Measure from now: events before this are warm-up (connections still opening).
        for (channel, handler) in clients { try await channel.eventLoop.submit { handler.startMeasuring() }.get() }
        let start = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(Int(configuration.duration * 1000)))
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var events = 0
        var connected = 0
        for (channel, handler) in clients {
            let (delays, failed, open) = try await channel.eventLoop.submit { (handler.delaysMicros, handler.failed, channel.isActive) }.get()
            for delay in delays { histogram.record(delay) }
            events += delays.count
            errors += failed ? 1 : 0
            connected += open && !failed ? 1 : 0
            channel.close(promise: nil)
        }
        return EventStreamLoadReport(
            connections: configuration.connections, connected: connected, durationSeconds: seconds, events: events,
            p50: Double(histogram.valueAtPercentile(50)) / 1000, p99: Double(histogram.valueAtPercentile(99)) / 1000,
            max: Double(histogram.max) / 1000, errors: errors
        )
    }
}

/// Reads one event stream: skips the response head, de-chunks, and records for each `data:`
/// line the delay from the timestamp it carries to now.
final class EventStreamClientHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked Sendable: created on the caller's task, then used only on its channel's loop.
    typealias InboundIn = ByteBuffer

    private var bytes: [UInt8] = []
    private var inBody = false
    /// Bytes left in the current chunk (nil: a chunk-size line comes next).
    private var chunkLeft: Int?
    private var line: [UInt8] = []
    private var measuring = false
    private(set) var delaysMicros: [UInt64] = []
    private(set) var failed = false

    func startMeasuring() { measuring = true }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        bytes.append(contentsOf: buffer.readableBytesView)
        let now = Date().timeIntervalSince1970 * 1000
        var index = 0
        if !inBody {
            guard let end = Self.find([13, 10, 13, 10], in: bytes) else { return }
            let head = String(decoding: bytes[0..<end], as: UTF8.self)
            guard head.hasPrefix("HTTP/1.1 200"), head.lowercased().contains("transfer-encoding: chunked") else {
                failed = true
                context.close(promise: nil)
                return
            }
            inBody = true
            index = end + 4
        }
        while index < bytes.count {
            if let left = chunkLeft {
                let take = Swift.min(left, bytes.count - index)
                for byte in bytes[index..<(index + take)] { consume(byte, now: now) }
                index += take
                chunkLeft = left - take
                if chunkLeft == 0 {
                    // The CRLF after the chunk's data.
                    guard bytes.count - index >= 2 else { chunkLeft = 0; break }
                    index += 2
                    chunkLeft = nil
                }
            } else {
                guard let end = Self.find([13, 10], in: bytes, from: index) else { break }
                let sizeText = String(decoding: bytes[index..<end], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText, radix: 16) else {
                    failed = true
                    context.close(promise: nil)
                    return
                }
                index = end + 2
                chunkLeft = size
                if size == 0 { break }  // the stream ended
            }
        }
        bytes.removeFirst(index)
    }

    private func consume(_ byte: UInt8, now: Double) {
        guard byte == 10 else { return line.append(byte) }
        if measuring, line.starts(with: Array("data: ".utf8)),
           let sent = Double(String(decoding: line.dropFirst(6), as: UTF8.self).trimmingCharacters(in: .whitespaces)) {
            delaysMicros.append(UInt64(Swift.max(0, (now - sent) * 1000)))
        }
        line.removeAll(keepingCapacity: true)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failed = true
        context.close(promise: nil)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard haystack.count >= needle.count + start else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}
