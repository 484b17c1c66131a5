import NIOCore

/// Builds the request bytes once, before the run: the hot path only writes (retains) these
/// buffers, it never encodes.
public struct RequestEncoder: Sendable {
    /// Width of the `X-Pronto-Seq` value, zero-padded, so every variant has the same length.
    public static let sequenceWidth = 6

    public let configuration: LoadConfiguration

    public init(configuration: LoadConfiguration) {
        self.configuration = configuration
    }

    /// One request as bytes; with `sequence`, it carries `X-Pronto-Seq: sequence`.
    /// The request line and Host header are what wrk sends (`GET /path HTTP/1.1`,
    /// `Host: host:port`); a `Host` given with `--header` replaces the default one.
    public func encode(sequence: Int? = nil) -> [UInt8] {
        let c = configuration
        var text = "\(c.method) \(c.url.path) HTTP/1.1\r\n"
        let hasHost = c.headers.contains { $0.lowercased().hasPrefix("host:") }
        if !hasHost { text += "Host: \(c.url.hostHeader)\r\n" }
        for header in c.headers { text += header + "\r\n" }
        if let body = c.body {
            let hasLength = c.headers.contains { $0.lowercased().hasPrefix("content-length:") }
            if !hasLength { text += "Content-Length: \(body.count)\r\n" }
        }
        if let sequence {
            var digits = String(sequence)
            while digits.count < Self.sequenceWidth { digits = "0" + digits }
            text += "X-Pronto-Seq: \(digits)\r\n"
        }
        text += "\r\n"
        var bytes = Array(text.utf8)
        if let body = c.body { bytes += body }
        return bytes
    }

    /// The pre-encoded requests of one connection window: `count` requests back to back
    /// (numbered 0..<count when checking sequence, else identical), all of the same length.
    public func window(count: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> PreparedRequests {
        let numbered = configuration.checkSequence
        var buffer = allocator.buffer(capacity: 0)
        var length = 0
        for index in 0..<count {
            let one = encode(sequence: numbered ? index : nil)
            length = one.count
            buffer.writeBytes(one)
        }
        return PreparedRequests(window: buffer, requestLength: length, count: count)
    }
}

/// `count` encoded requests of `requestLength` bytes each in one buffer. Slices of it are
/// written as they are: writing a `ByteBuffer` only retains its storage.
public struct PreparedRequests: Sendable {
    public let window: ByteBuffer
    public let requestLength: Int
    public let count: Int

    /// Requests `first..<first+n` of the window (all of it for `0, count`).
    @inline(__always)
    public func slice(first: Int, n: Int) -> ByteBuffer {
        if first == 0 && n == count { return window }
        // In bounds: 0 <= first, first + n <= count, checked by the caller's arithmetic.
        return window.getSlice(at: window.readerIndex + first * requestLength, length: n * requestLength)!
    }
}
