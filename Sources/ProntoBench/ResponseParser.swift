#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal, incremental HTTP/1.1 response parser written for counting responses fast.
///
/// It finds where each response ends and keeps only what a load generator needs: the status
/// code, whether the server asked to close, and optionally the echoed `X-Pronto-Seq`
/// header. Framing follows RFC 9112 §6.3: no body for HEAD, 1xx, 204 and 304; chunked when
/// `Transfer-Encoding` ends in `chunked`; else `Content-Length`; else the body runs to the end
/// of the connection (`finishAtEOF()`). Interim 1xx responses are skipped, not reported.
///
/// It is a byte state machine that resumes exactly where the previous read stopped, so it
/// never buffers or copies: a response split anywhere across reads parses the same. Header
/// lines it does not care about (`Date`, `Server`, …) are skipped with `memchr`, and bodies of
/// known length are skipped in one step. No allocation, ever.
public struct ResponseParser: Sendable {
    /// What `parse` found.
    public enum Event: Equatable, Sendable {
        /// Every byte given was consumed and no response ended in them.
        case needMore
        /// A complete final response ended; `status`, `closeRequested` and `sequence`
        /// describe it until the next call.
        case response
        /// The bytes are not an HTTP/1.1 response; the connection's framing is lost.
        case malformed
    }

    // States. Line-oriented states accept a bare LF as well as CRLF.
    @usableFromInline enum State: UInt8, Sendable {
        case statusLine       // "HTTP/1.x SSS", position in `pos`
        case statusRest       // reason phrase, skipped to LF
        case lineStart        // first byte of a header line, or CR/LF of the empty line
        case name             // inside a header name we may care about
        case value            // inside the value of a header we care about
        case skipLine         // a header line we do not care about, skipped to LF
        case headEndLF        // after the CR of the empty line
        case body             // `remaining` bytes of body to skip
        case chunkSize        // hex digits of a chunk-size line
        case chunkExtension   // chunk extension, skipped to LF
        case chunkSizeLF      // after the CR of a chunk-size line
        case chunkData        // `remaining` bytes of chunk data
        case chunkDataCR      // CRLF after chunk data
        case chunkDataLF
        case trailerStart     // first byte of a trailer line or of the final empty line
        case trailerSkip      // a trailer line, skipped to LF
        case trailerEndLF     // after the CR of the final empty line
        case untilClose       // body delimited by the end of the connection
    }

    // The headers it recognises, as bits of `candidates`.
    private static let contentLength: StaticString = "content-length"
    private static let transferEncoding: StaticString = "transfer-encoding"
    private static let connection: StaticString = "connection"
    private static let sequenceHeader: StaticString = "x-pronto-seq"
    private static let bitContentLength: UInt8 = 1
    private static let bitTransferEncoding: UInt8 = 2
    private static let bitConnection: UInt8 = 4
    private static let bitSequence: UInt8 = 8

    /// Responses to HEAD have no body whatever their headers say.
    public var isHeadRequest: Bool
    /// Parse the `X-Pronto-Seq` header (for order checking); off, the header is skipped.
    public var parsesSequence: Bool

    /// The status code of the response just reported.
    public private(set) var status = 0
    /// Whether the response just reported carried `Connection: close`.
    public private(set) var closeRequested = false
    /// The `X-Pronto-Seq` value of the response just reported, -1 when absent.
    public private(set) var sequence = -1

    @usableFromInline var state: State = .statusLine
    private var pos = 0
    private var remaining: UInt64 = 0
    private var candidates: UInt8 = 0
    private var valueKind: UInt8 = 0
    private var valueNumber: UInt64 = 0
    private var valueDigits = 0
    private var valueTail: UInt64 = 0  // last bytes of a value, lowercased, whitespace skipped
    private var contentLengthValue: UInt64 = 0
    private var hasContentLength = false
    private var chunked = false
    // Fields of the message being parsed, published when it completes.
    private var currentStatus = 0
    private var currentClose = false
    private var currentSequence = -1

    public init(isHeadRequest: Bool = false, parsesSequence: Bool = false) {
        self.isHeadRequest = isHeadRequest
        self.parsesSequence = parsesSequence
    }

    /// Whether the parser is between responses (nothing of a response seen yet).
    public var isAtMessageBoundary: Bool { state == .statusLine && pos == 0 }

    /// Forget any partial response (after the connection was replaced).
    public mutating func reset() {
        state = .statusLine
        pos = 0
        beginMessage()
    }

    private mutating func beginMessage() {
        currentStatus = 0
        currentClose = false
        currentSequence = -1
        hasContentLength = false
        chunked = false
        contentLengthValue = 0
    }

    private mutating func complete() {
        status = currentStatus
        closeRequested = currentClose
        sequence = currentSequence
        state = .statusLine
        pos = 0
        beginMessage()
    }

    /// At the end of the connection: a response whose body runs to the end of the connection
    /// is complete now (returns `true`, `status` & co. describe it).
    public mutating func finishAtEOF() -> Bool {
        guard state == .untilClose else { return false }
        complete()
        return true
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        // ASCII letters only; other bytes keep their value (0x20 set on a non-letter would
        // only turn it into another non-letter, but keep them exact for digits and ':').
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    @inline(__always)
    private static func byte(_ name: StaticString, _ index: Int) -> UInt8 {
        // `index < name.utf8CodeUnitCount` is checked by the caller.
        name.utf8Start[index]
    }

    /// Index of the first LF at or after `from`, or `count` when there is none.
    @inline(__always)
    private static func findLF(_ base: UnsafeRawPointer, from: Int, count: Int) -> Int {
        // memchr reads only [from, count), inside the buffer.
        guard let found = memchr(base + from, 0x0A, count - from) else { return count }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Parses `bytes[start...]` until a response ends, the bytes run out or an error.
    /// Returns the event and the index just past the consumed bytes (for `.response`, the
    /// first byte after that response; for `.malformed`, the offending byte).
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, from start: Int = 0) -> (event: Event, end: Int) {
        let count = bytes.count
        guard start < count, let raw = bytes.baseAddress else { return (.needMore, count) }
        // Every `base[i]` below is guarded by `i < count`.
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var i = start
        while i < count {
            switch state {
            case .statusLine:
                if pos == 0 && count &- i >= 13 {
                    // Fast path, the whole "HTTP/1.x SSS?" at hand: one 8-byte compare for
                    // "HTTP/1.x" (bytes i..<i+8, inside since count - i >= 13), then the code.
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    // Little-endian "HTTP/1." in the low 7 bytes.
                    guard word & 0x00FF_FFFF_FFFF_FFFF == 0x2E_31_2F_50_54_54_48,
                          Self.isDigit(base[i &+ 7]), base[i &+ 8] == 0x20,
                          Self.isDigit(base[i &+ 9]), Self.isDigit(base[i &+ 10]), Self.isDigit(base[i &+ 11])
                    else { return (.malformed, i) }
                    currentStatus = Int(base[i &+ 9] &- 0x30) &* 100 &+ Int(base[i &+ 10] &- 0x30) &* 10
                        &+ Int(base[i &+ 11] &- 0x30)
                    let after = base[i &+ 12]
                    pos = 13
                    i &+= 13
                    if after == 0x0A {
                        state = .lineStart
                    } else if after == 0x20 || after == 0x0D {
                        state = .statusRest
                    } else {
                        return (.malformed, i &- 1)
                    }
                    continue
                }
                let b = base[i]
                switch pos {
                case 0...6:
                    // "HTTP/1." one byte at a time (a status line may be split anywhere).
                    let expected: StaticString = "HTTP/1."
                    guard b == Self.byte(expected, pos) else { return (.malformed, i) }
                case 7:
                    guard b >= 0x30 && b <= 0x39 else { return (.malformed, i) }
                case 8:
                    guard b == 0x20 else { return (.malformed, i) }
                case 9, 10, 11:
                    guard b >= 0x30 && b <= 0x39 else { return (.malformed, i) }
                    currentStatus = currentStatus &* 10 &+ Int(b &- 0x30)
                default:
                    // After the code: SP and a reason, or the end of the line.
                    if b == 0x0A {
                        state = .lineStart
                    } else if b == 0x20 || b == 0x0D {
                        state = .statusRest
                    } else {
                        return (.malformed, i)
                    }
                }
                pos &+= 1
                i &+= 1

            case .statusRest, .skipLine:
                let lf = Self.findLF(raw, from: i, count: count)
                if lf == count { return (.needMore, count) }
                state = .lineStart
                i = lf &+ 1

            case .lineStart:
                let lf = Self.findLF(raw, from: i, count: count)
                if lf < count {
                    // Fast path, the whole line at hand: match the name in one go.
                    guard parseCompleteLine(base, from: i, lf: lf) else { return (.malformed, i) }
                    i = lf &+ 1
                    if state == .headEndLF {
                        // It was the empty line.
                        if let event = headComplete() { return (event, i) }
                    }
                    continue
                }
                let b = base[i]
                i &+= 1
                if b == 0x0D {
                    state = .headEndLF
                } else if b == 0x0A {
                    if let event = headComplete() { return (event, i) }
                } else {
                    switch Self.lower(b) {
                    case 0x63: candidates = Self.bitContentLength | Self.bitConnection  // c
                    case 0x74: candidates = Self.bitTransferEncoding  // t
                    case 0x78 where parsesSequence: candidates = Self.bitSequence  // x
                    default: candidates = 0
                    }
                    if candidates == 0 {
                        state = .skipLine
                    } else {
                        state = .name
                        pos = 1
                    }
                }

            case .name:
                let b = base[i]
                i &+= 1
                if b == 0x3A {  // ':'
                    startValue()
                    continue
                }
                let l = Self.lower(b)
                candidates = Self.narrow(candidates, pos, l)
                pos &+= 1
                if candidates == 0 {
                    state = b == 0x0A ? .lineStart : .skipLine
                }

            case .value:
                let b = base[i]
                i &+= 1
                if b == 0x0A {
                    guard endValue() else { return (.malformed, i &- 1) }
                    state = .lineStart
                } else {
                    guard valueByte(b) else { return (.malformed, i &- 1) }
                }

            case .headEndLF:
                guard base[i] == 0x0A else { return (.malformed, i) }
                i &+= 1
                if let event = headComplete() { return (event, i) }

            case .body:
                let available = UInt64(count &- i)
                if available < remaining {
                    remaining &-= available
                    return (.needMore, count)
                }
                i &+= Int(remaining)
                remaining = 0
                complete()
                return (.response, i)

            case .chunkSize:
                let b = base[i]
                if let digit = Self.hexValue(b) {
                    guard valueDigits < 15 else { return (.malformed, i) }
                    remaining = remaining &* 16 &+ UInt64(digit)
                    valueDigits &+= 1
                    i &+= 1
                } else {
                    guard valueDigits > 0 else { return (.malformed, i) }
                    i &+= 1
                    if b == 0x0D {
                        state = .chunkSizeLF
                    } else if b == 0x0A {
                        chunkSizeLineComplete()
                    } else if b == 0x3B || b == 0x20 || b == 0x09 {  // ';' or BWS
                        state = .chunkExtension
                    } else {
                        return (.malformed, i &- 1)
                    }
                }

            case .chunkExtension:
                let lf = Self.findLF(raw, from: i, count: count)
                if lf == count { return (.needMore, count) }
                i = lf &+ 1
                chunkSizeLineComplete()

            case .chunkSizeLF:
                guard base[i] == 0x0A else { return (.malformed, i) }
                i &+= 1
                chunkSizeLineComplete()

            case .chunkData:
                let available = UInt64(count &- i)
                if available < remaining {
                    remaining &-= available
                    return (.needMore, count)
                }
                i &+= Int(remaining)
                remaining = 0
                state = .chunkDataCR

            case .chunkDataCR:
                let b = base[i]
                i &+= 1
                if b == 0x0D {
                    state = .chunkDataLF
                } else if b == 0x0A {
                    startChunkSize()
                } else {
                    return (.malformed, i &- 1)
                }

            case .chunkDataLF:
                guard base[i] == 0x0A else { return (.malformed, i) }
                i &+= 1
                startChunkSize()

            case .trailerStart:
                let b = base[i]
                i &+= 1
                if b == 0x0D {
                    state = .trailerEndLF
                } else if b == 0x0A {
                    complete()
                    return (.response, i)
                } else {
                    state = .trailerSkip
                }

            case .trailerSkip:
                let lf = Self.findLF(raw, from: i, count: count)
                if lf == count { return (.needMore, count) }
                i = lf &+ 1
                state = .trailerStart

            case .trailerEndLF:
                guard base[i] == 0x0A else { return (.malformed, i) }
                i &+= 1
                complete()
                return (.response, i)

            case .untilClose:
                return (.needMore, count)
            }
        }
        return (.needMore, count)
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// One byte of a recognised header's value (not the LF). False when invalid.
    @inline(__always)
    private mutating func valueByte(_ b: UInt8) -> Bool {
        if b == 0x20 || b == 0x09 || b == 0x0D { return true }
        if valueKind == Self.bitContentLength || valueKind == Self.bitSequence {
            guard Self.isDigit(b), valueDigits < 18 else { return false }
            valueNumber = valueNumber &* 10 &+ UInt64(b &- 0x30)
            valueDigits &+= 1
        } else {
            valueTail = (valueTail << 8) | UInt64(Self.lower(b))
        }
        return true
    }

    /// Whether `name` (lowercase) is at `p` followed by ':', case-insensitively. The caller
    /// guarantees `name.count + 1` bytes at `p`.
    @inline(__always)
    private static func isName(_ p: UnsafePointer<UInt8>, _ name: StaticString) -> Bool {
        let n = name.utf8CodeUnitCount
        guard p[n] == 0x3A else { return false }
        for k in 0..<n where lower(p[k]) != name.utf8Start[k] { return false }
        return true
    }

    /// A header line complete in the buffer: bytes `from..<lf`, `base[lf]` is its LF. Sets
    /// `state` to `.headEndLF` if it is the empty line (the caller completes the head), else
    /// records the header if it is one we care about and leaves `state` at `.lineStart`.
    /// False when a recognised value is invalid.
    @inline(__always)
    private mutating func parseCompleteLine(_ base: UnsafePointer<UInt8>, from: Int, lf: Int) -> Bool {
        var end = lf
        if end > from && base[end &- 1] == 0x0D { end &-= 1 }
        let length = end &- from
        if length == 0 {
            state = .headEndLF
            return true
        }
        // All reads below are inside [from, end): each name check needs length >= name + 1 (the colon).
        let p = base + from
        var kind: UInt8 = 0
        var nameLength = 0
        switch Self.lower(p[0]) {
        case 0x63:  // c
            if length >= 15 && Self.isName(p, Self.contentLength) {
                kind = Self.bitContentLength
                nameLength = 14
            } else if length >= 11 && Self.isName(p, Self.connection) {
                kind = Self.bitConnection
                nameLength = 10
            }
        case 0x74:  // t
            if length >= 18 && Self.isName(p, Self.transferEncoding) {
                kind = Self.bitTransferEncoding
                nameLength = 17
            }
        case 0x78 where parsesSequence:  // x
            if length >= 13 && Self.isName(p, Self.sequenceHeader) {
                kind = Self.bitSequence
                nameLength = 12
            }
        default:
            break
        }
        state = .lineStart
        guard kind != 0 else { return true }
        valueKind = kind
        valueNumber = 0
        valueDigits = 0
        valueTail = 0
        var k = from &+ nameLength &+ 1
        while k < end {
            guard valueByte(base[k]) else { return false }
            k &+= 1
        }
        return endValue()
    }

    /// Keeps the candidate names whose byte at `index` is `byte`.
    @inline(__always)
    private static func narrow(_ candidates: UInt8, _ index: Int, _ byte: UInt8) -> UInt8 {
        var kept: UInt8 = 0
        if candidates & bitContentLength != 0, index < contentLength.utf8CodeUnitCount,
           Self.byte(contentLength, index) == byte { kept |= bitContentLength }
        if candidates & bitConnection != 0, index < connection.utf8CodeUnitCount,
           Self.byte(connection, index) == byte { kept |= bitConnection }
        if candidates & bitTransferEncoding != 0, index < transferEncoding.utf8CodeUnitCount,
           Self.byte(transferEncoding, index) == byte { kept |= bitTransferEncoding }
        if candidates & bitSequence != 0, index < sequenceHeader.utf8CodeUnitCount,
           Self.byte(sequenceHeader, index) == byte { kept |= bitSequence }
        return kept
    }

    @inline(__always)
    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b &- 0x30
        case 0x41...0x46: b &- 0x41 &+ 10
        case 0x61...0x66: b &- 0x61 &+ 10
        default: nil
        }
    }

    /// At ':' of a header name: which complete name it is, if any.
    private mutating func startValue() {
        // `pos` is the name's length; a candidate matches only if it has exactly that length.
        var kind: UInt8 = 0
        if candidates & Self.bitContentLength != 0, pos == Self.contentLength.utf8CodeUnitCount {
            kind = Self.bitContentLength
        } else if candidates & Self.bitConnection != 0, pos == Self.connection.utf8CodeUnitCount {
            kind = Self.bitConnection
        } else if candidates & Self.bitTransferEncoding != 0, pos == Self.transferEncoding.utf8CodeUnitCount {
            kind = Self.bitTransferEncoding
        } else if candidates & Self.bitSequence != 0, pos == Self.sequenceHeader.utf8CodeUnitCount {
            kind = Self.bitSequence
        }
        if kind == 0 {
            state = .skipLine
            return
        }
        valueKind = kind
        valueNumber = 0
        valueDigits = 0
        valueTail = 0
        state = .value
    }

    /// At the LF ending a recognised header's value. Returns false when the value is invalid.
    private mutating func endValue() -> Bool {
        switch valueKind {
        case Self.bitContentLength:
            guard valueDigits > 0 else { return false }
            // Two different Content-Length values would make the framing ambiguous.
            if hasContentLength && contentLengthValue != valueNumber { return false }
            hasContentLength = true
            contentLengthValue = valueNumber
        case Self.bitSequence:
            guard valueDigits > 0 else { return false }
            currentSequence = Int(valueNumber)
        case Self.bitTransferEncoding:
            // "chunked" (7 bytes) as the last coding, lowercased.
            chunked = (valueTail & 0x00FF_FFFF_FFFF_FFFF) == 0x63_68_75_6E_6B_65_64
        case Self.bitConnection:
            // "close" (5 bytes) at the end of the value.
            if (valueTail & 0xFF_FFFF_FFFF) == 0x63_6C_6F_73_65 { currentClose = true }
        default:
            break
        }
        return true
    }

    /// After the empty line ending the head. Returns `.response` when the response has no
    /// body, nil when parsing goes on (body, or another head after an interim 1xx).
    private mutating func headComplete() -> Event? {
        let code = currentStatus
        if code >= 100 && code < 200 {
            // Interim response (100 Continue, 103 Early Hints): the final one follows.
            state = .statusLine
            pos = 0
            beginMessage()
            return nil
        }
        if isHeadRequest || code == 204 || code == 304 {
            complete()
            return .response
        }
        if chunked {
            startChunkSize()
            return nil
        }
        if hasContentLength {
            if contentLengthValue == 0 {
                complete()
                return .response
            }
            remaining = contentLengthValue
            state = .body
            return nil
        }
        state = .untilClose
        return nil
    }

    private mutating func startChunkSize() {
        state = .chunkSize
        remaining = 0
        valueDigits = 0
    }

    private mutating func chunkSizeLineComplete() {
        if remaining == 0 {
            state = .trailerStart
        } else {
            state = .chunkData
        }
    }
}
