import Foundation

/// A response as a test client received it.
public struct TestResponse: Sendable, CustomStringConvertible {
    /// The status line's version: `HTTP/1.1`.
    public var version: String
    /// The status code.
    public var status: Int
    /// The reason phrase.
    public var reason: String
    /// The header fields, in order.
    public var headers: [(name: String, value: String)]
    /// The body, de-chunked.
    public var body: [UInt8]
    /// The bytes of the whole response as received.
    public var raw: [UInt8]

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of the headers named `name`.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body as UTF-8 text.
    public var bodyString: String { String(decoding: body, as: UTF8.self) }

    public var description: String { "\(version) \(status) \(reason), \(body.count) body bytes" }
}

/// Why a test client could not read a response.
public struct TestClientError: Error, CustomStringConvertible {
    /// What went wrong.
    public let message: String
    /// An error saying `message`.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads HTTP/1.1 responses out of a byte stream, for tests: Content-Length, chunked and
/// close-delimited bodies, interim 1xx responses returned like any other.
public struct ResponseStreamParser: Sendable {
    /// The bytes received and not yet parsed into a response.
    public private(set) var buffer: [UInt8] = []
    /// True once the server closed the connection.
    public var closed = false

    /// A parser with nothing received.
    public init() {}

    /// Adds received bytes.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// Drops the first `count` bytes, read by another protocol (WebSocket frames).
    mutating func removeFirst(_ count: Int) {
        buffer.removeFirst(count)
    }

    /// The next complete response, or nil if more bytes are needed.
    /// `isHead` tells that the request was HEAD (no body follows the head).
    public mutating func next(isHead: Bool = false) throws -> TestResponse? {
        guard let headEnd = find([13, 10, 13, 10], in: buffer, from: 0) else {
            if closed, !buffer.isEmpty { throw TestClientError("connection closed inside a response head") }
            return nil
        }
        let headText = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw TestClientError("malformed status line: \(statusLine)") }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw TestClientError("malformed header line: \(line)") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = TestResponse(
            version: String(parts[0]), status: status, reason: parts.count > 2 ? String(parts[2]) : "",
            headers: headers, body: [], raw: []
        )
        let bodyStart = headEnd + 4
        var end: Int
        if isHead || status < 200 || status == 204 || status == 304 {
            end = bodyStart
        } else if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            var i = bodyStart
            var body: [UInt8] = []
            while true {
                guard let lineEnd = find([13, 10], in: buffer, from: i) else { return try needMore() }
                let sizeText = String(decoding: buffer[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                    throw TestClientError("malformed chunk size: \(sizeText)")
                }
                i = lineEnd + 2
                if size == 0 {
                    // Trailers until an empty line.
                    while true {
                        guard let trailerEnd = find([13, 10], in: buffer, from: i) else { return try needMore() }
                        let empty = trailerEnd == i
                        i = trailerEnd + 2
                        if empty { break }
                    }
                    break
                }
                guard buffer.count >= i + size + 2 else { return try needMore() }
                body.append(contentsOf: buffer[i..<(i + size)])
                i += size + 2
            }
            response.body = body
            end = i
        } else if let lengthText = response.header("content-length") {
            guard let length = Int(lengthText) else { throw TestClientError("malformed Content-Length: \(lengthText)") }
            guard buffer.count >= bodyStart + length else { return try needMore() }
            end = bodyStart + length
            response.body = Array(buffer[bodyStart..<end])
        } else {
            guard closed else { return nil }
            end = buffer.count
            response.body = Array(buffer[bodyStart..<end])
        }
        response.raw = Array(buffer[0..<end])
        buffer.removeFirst(end)
        return response
    }

    private func needMore() throws -> TestResponse? {
        if closed { throw TestClientError("connection closed inside a response body") }
        return nil
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
