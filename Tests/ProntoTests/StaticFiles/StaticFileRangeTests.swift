import Testing

@testable import Pronto

@Suite("StaticFiles: byte ranges")
struct StaticFilesRangeTests {
    func ranges(_ header: String, size: Int = 1000, limits: RangeRequest.Limits = .init()) -> RangeRequest {
        RangeRequest(header: header, size: size, limits: limits)
    }

    @Test("single ranges: a-b, a-, -suffix, clipped to the size")
    func single() {
        #expect(ranges("bytes=0-499") == .ranges([0..<500]))
        #expect(ranges("bytes=500-") == .ranges([500..<1000]))
        #expect(ranges("bytes=-200") == .ranges([800..<1000]))
        #expect(ranges("bytes=-2000") == .ranges([0..<1000]), "a suffix longer than the file is the file")
        #expect(ranges("bytes=900-5000") == .ranges([900..<1000]), "the last position is clipped")
        #expect(ranges("bytes=999-999") == .ranges([999..<1000]))
        #expect(ranges("BYTES=0-0") == .ranges([0..<1]), "the unit is case-insensitive")
        #expect(ranges("bytes= 0-1 ") == .ranges([0..<2]))
        #expect(ranges("bytes=0-99999999999999999999999") == .ranges([0..<1000]), "huge numbers saturate")
    }

    @Test("unsatisfiable: every range starts past the end, or a zero suffix")
    func unsatisfiable() {
        #expect(ranges("bytes=1000-") == .unsatisfiable)
        #expect(ranges("bytes=1000-2000") == .unsatisfiable)
        #expect(ranges("bytes=-0") == .unsatisfiable)
        #expect(ranges("bytes=5000-, 2000-3000") == .unsatisfiable)
        #expect(ranges("bytes=5000-, 0-1") == .ranges([0..<2]), "one satisfiable range is enough")
        #expect(ranges("bytes=0-1", size: 0) == .full, "an empty file is served whole")
    }

    @Test(
        "an invalid header is ignored: the whole file",
        arguments: [
            "", "bytes", "bytes=", "bytes=,", "bytes=a-b", "bytes=5-1", "bytes=1-2;", "bytes=--1", "bytes=1-2-3",
            "items=0-1", "bytes 0-1", "bytes=0-1 2-3", "bytes=-", "bytes=+1-2", "bytes=0x1-2", "bytes=1",
        ]
    )
    func invalid(header: String) {
        #expect(ranges(header) == .full)
        #expect(RangeRequest.parse(header) == nil)
    }

    @Test("several ranges: kept in order when apart; overlapping and adjacent ones merged")
    func multiple() {
        #expect(ranges("bytes=0-9,20-29") == .ranges([0..<10, 20..<30]))
        #expect(ranges("bytes=20-29, 0-9") == .ranges([20..<30, 0..<10]), "the order asked when nothing merges")
        #expect(ranges("bytes=0-9,5-14") == .ranges([0..<15]))
        #expect(ranges("bytes=0-9,10-19") == .ranges([0..<20]), "adjacent")
        #expect(ranges("bytes=50-59,0-9,5-14") == .ranges([0..<15, 50..<60]), "merged, so sorted")
        #expect(ranges("bytes=0-9,,20-29") == .ranges([0..<10, 20..<30]), "empty list elements")
        #expect(ranges("bytes=0-9,-10") == .ranges([0..<10, 990..<1000]))
        #expect(ranges("bytes=0-0,0-0") == .ranges([0..<1]))
    }

    @Test("abuse: too many ranges, heavy overlap, or too many specs answer the whole file")
    func abuse() {
        let seventeen = (0..<17).map { "\($0 * 10)-\($0 * 10 + 1)" }.joined(separator: ",")
        #expect(ranges("bytes=" + seventeen) == .full)
        let sixteen = (0..<16).map { "\($0 * 10)-\($0 * 10 + 1)" }.joined(separator: ",")
        guard case .ranges(let list) = ranges("bytes=" + sixteen) else {
            Issue.record("16 ranges are served")
            return
        }
        #expect(list.count == 16)
        // 17 specs that merge into one are fine.
        #expect(ranges("bytes=" + (0..<17).map { "\($0)-\($0)" }.joined(separator: ",")) == .ranges([0..<17]))
        #expect(ranges("bytes=0-,0-,0-") == .full, "three times the file")
        #expect(ranges("bytes=0-,0-") == .ranges([0..<1000]), "twice is tolerated and merged")
        let many = Array(repeating: "0-0", count: 101).joined(separator: ",")
        #expect(ranges("bytes=" + many) == .full, "more specs than we parse")
        #expect(ranges("bytes=" + seventeen, limits: .init(maxRanges: 20)) != .full)
    }

    @Test("multipart/byteranges layout and length")
    func multipart() {
        let layout = MultipartByteRanges(ranges: [0..<5, 50..<60], size: 100, contentType: "text/plain; charset=utf-8", boundary: "B")
        #expect(layout.contentType == "multipart/byteranges; boundary=B")
        #expect(layout.parts.map(\.range) == [0..<5, 50..<60])
        #expect(layout.parts[0].head == "--B\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-4/100\r\n\r\n")
        #expect(layout.parts[1].head == "\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 50-59/100\r\n\r\n")
        #expect(layout.epilogue == "\r\n--B--\r\n")
        let text = layout.parts.map(\.head).joined() + layout.epilogue
        #expect(layout.contentLength == text.utf8.count + 15)
        let boundary = MultipartByteRanges.makeBoundary()
        #expect(boundary.utf8.count == 31)
        #expect(boundary != MultipartByteRanges.makeBoundary())
    }
}
