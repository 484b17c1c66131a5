import ProntoBench
import Testing

@Suite struct ResponseParserTests {
    /// Parses `stream` fed in pieces cut at `cuts`, returning the statuses or nil on error.
    static func statuses(_ stream: String, cuts: [Int] = [], head: Bool = false) -> [Int]? {
        let bytes = Array(stream.utf8)
        var parser = ResponseParser(isHeadRequest: head, parsesSequence: true)
        var result: [Int] = []
        var start = 0
        for end in cuts + [bytes.count] where end >= start {
            let piece = Array(bytes[start..<end])
            start = end
            let ok = piece.withUnsafeBytes { raw -> Bool in
                var index = 0
                while index < raw.count {
                    let (event, next) = parser.parse(raw, from: index)
                    index = next
                    switch event {
                    case .needMore: return true
                    case .response: result.append(parser.status)
                    case .malformed: return false
                    }
                }
                return true
            }
            if !ok { return nil }
        }
        if parser.finishAtEOF() { result.append(parser.status) }
        return result
    }

    static let mixed =
        "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\nDate: now\r\n\r\nhello"
        + "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 201 Created\r\ncontent-length:0\r\n\r\n"
        + "HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n"
        + "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
        + "3;name=value\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nExpires: never\r\n\r\n"
        + "HTTP/1.1 503 Busy\nContent-Length: 2\n\nok"
        + "HTTP/1.1 202\r\nCONTENT-LENGTH: 1\r\nX-Pronto-Seq: 7\r\n\r\nx"
        + "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nuntil the end"

    static let expected = [200, 201, 204, 404, 503, 202, 200]

    @Test func parsesAMixedStreamInOneRead() {
        #expect(Self.statuses(Self.mixed) == Self.expected)
    }

    @Test func parsesTheSameWhateverTheSplit() {
        let count = Self.mixed.utf8.count
        for cut in 0...count {
            #expect(Self.statuses(Self.mixed, cuts: [cut]) == Self.expected, "cut at \(cut)")
        }
        // Byte at a time.
        #expect(Self.statuses(Self.mixed, cuts: Array(1..<count)) == Self.expected)
    }

    @Test func reportsHeaderFields() {
        var parser = ResponseParser(parsesSequence: true)
        let text = "HTTP/1.1 200 OK\r\nX-Pronto-Seq: 000042\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        let bytes = Array(text.utf8)
        let (event, end) = bytes.withUnsafeBytes { parser.parse($0) }
        #expect(event == .response)
        #expect(end == bytes.count)
        #expect(parser.sequence == 42)
        #expect(parser.closeRequested)
        #expect(parser.isAtMessageBoundary)
    }

    @Test func headResponsesHaveNoBody() {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n"
        #expect(Self.statuses(text, head: true) == [200, 200])
    }

    @Test(arguments: [
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HELLO THERE\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12345678901234567890\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXX",
    ])
    func rejectsMalformedResponses(_ text: String) {
        #expect(Self.statuses(text) == nil)
    }
}
