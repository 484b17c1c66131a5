import NIOCore
import NIOEmbedded
import NIOHTTP1
import ProntoHTTP

// The two sides of the oracle (OracleTests.swift): NIOHTTP1's llhttp-based decoder on an
// EmbeddedChannel, and Pronto's parser plus ChunkedBodyDecoder, both fed the same bytes
// in the same pieces and reduced to the same plain description of what was received.

/// One request as received, in terms both parsers can report.
struct ReceivedRequest: Equatable, CustomStringConvertible {
    var method: String
    var uri: String
    var major: Int
    var minor: Int
    var headers: [HeadSnapshot.Pair]
    var keepAlive: Bool
    var body: [UInt8]

    var description: String {
        "\(method) \(uri) HTTP/\(major).\(minor) \(headers) keepAlive=\(keepAlive) body=\(body.count)B"
    }
}

/// What a parser made of a byte stream: the requests it completed, then how it stopped.
struct Received: Equatable, CustomStringConvertible {
    enum End: Equatable {
        /// Every byte belonged to a complete request (or a head still waiting for more is
        /// not the case: see `.incomplete`).
        case clean
        /// The bytes ended inside a request.
        case incomplete
        /// The parser refused the stream; the text says why.
        case rejected(String)
    }

    var requests: [ReceivedRequest] = []
    var end: End = .clean

    var isRejected: Bool {
        if case .rejected = end { return true }
        return false
    }

    var description: String { "\(requests) then \(end)" }
}

/// Runs `bytes`, written in pieces ending at `cuts`, through NIO's `HTTPRequestDecoder`.
func receiveWithNIO(_ bytes: [UInt8], cuts: [Int]) -> Received {
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    var received = Received()
    var current: ReceivedRequest? = nil
    var start = 0
    func drain() throws {
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head):
                current = ReceivedRequest(
                    method: head.method.rawValue, uri: head.uri, major: head.version.major, minor: head.version.minor,
                    headers: head.headers.map { HeadSnapshot.Pair(name: $0.name, value: $0.value) },
                    keepAlive: head.isKeepAlive, body: [])
            case .body(var buffer):
                current?.body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                if let request = current { received.requests.append(request) }
                current = nil
            }
        }
    }
    do {
        for end in cuts + [bytes.count] where end > start {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<end]))
            start = end
            try drain()
        }
        received.end = current == nil ? .clean : .incomplete
    } catch {
        try? drain()
        received.end = .rejected("\(error)")
    }
    // A head NIO delivered without its end (bytes ended inside the body) counts as incomplete.
    if received.end == .clean, current != nil { received.end = .incomplete }
    return received
}

/// Runs `bytes`, available in growing prefixes ending at `cuts`, through Pronto's parser and
/// chunked decoder the way the engine does: parse a head, read its body, consume, repeat.
func receiveWithPronto(_ bytes: [UInt8], cuts: [Int], scanner: ByteScanner = .simd) -> Received {
    var received = Received()
    var parser = RequestParser(scanner: scanner)
    var position = 0  // first byte of the current request
    let ends = cuts + [bytes.count]
    var endIndex = 0
    var available: Int { ends[endIndex] }
    func more() -> Bool {
        while endIndex < ends.count - 1 {
            endIndex += 1
            if ends[endIndex] > ends[endIndex - 1] { return true }
        }
        return false
    }
    while true {
        if position == bytes.count { return received }
        // Head.
        var result = bytes.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[position..<available])) }
        while case .needMore = result {
            guard more() else {
                received.end = .incomplete
                return received
            }
            result = bytes.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[position..<available])) }
        }
        let head: RequestHead
        switch result {
        case .complete(let h): head = h
        case .error(let error):
            received.end = .rejected("\(error.kind)")
            return received
        case .needMore: fatalError("unreachable")
        }
        var request = bytes.withUnsafeBytes { raw -> ReceivedRequest in
            let headBytes = UnsafeRawBufferPointer(rebasing: raw[position...])
            let s = { (r: ByteRange) in head.string(r, in: headBytes) }
            return ReceivedRequest(
                method: s(head.methodRange), uri: s(head.targetRange),
                major: Int(head.version.major), minor: Int(head.version.minor),
                headers: head.headers.map { HeadSnapshot.Pair(name: s($0.name), value: s($0.value)) },
                keepAlive: head.keepAlive, body: [])
        }
        position += head.length
        // Body.
        if head.isChunked {
            var decoder = ChunkedBodyDecoder()
            body: while true {
                let step = bytes.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[position..<max(position, available)])) }
                switch step {
                case .data(let range, let consumed):
                    request.body += bytes[(position + range.lowerBound)..<(position + range.upperBound)]
                    position += consumed
                case .needMore(let consumed):
                    position += consumed
                    guard more() else {
                        received.end = .incomplete
                        return received
                    }
                case .end(let consumed):
                    position += consumed
                    break body
                case .error(let error):
                    received.end = .rejected("\(error.kind)")
                    return received
                }
            }
        } else if let length = head.contentLength, length > 0 {
            while available - position < length {
                guard more() else {
                    received.end = .incomplete
                    return received
                }
            }
            request.body = Array(bytes[position..<(position + length)])
            position += length
        }
        received.requests.append(request)
        while available <= position, position < bytes.count { _ = more() }
    }
}
