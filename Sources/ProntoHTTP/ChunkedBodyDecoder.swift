/// An incremental decoder for the chunked transfer coding (RFC 9112 §7.1).
///
/// It holds no bytes: each call consumes what it can and reports the chunk data it found
/// as a range of the input, so the caller copies data straight from its read buffer.
/// Chunk extensions are skipped, trailers are validated and dropped (a server may discard
/// them, RFC 9112 §7.1.2). The decoded total is held to ``HTTPLimits/maxBodySize``.
public struct ChunkedBodyDecoder: Sendable {
    /// What one call to ``decode(_:)`` found.
    public enum Step: Sendable, Equatable {
        /// Body bytes at this range of the input; `consumed` bytes of input are used up.
        case data(Range<Int>, consumed: Int)
        /// Every byte was consumed (`consumed` may be less than the input only on error).
        case needMore(consumed: Int)
        /// The body and its trailers are complete after `consumed` bytes.
        case end(consumed: Int)
        case error(HTTPParseError)
    }

    private enum State: Sendable {
        case size, sizeWhitespace, sizeExtension, sizeLF
        case data, dataCR, dataLF
        case trailerLineStart, trailerName, trailerValue, trailerLF, finalLF
        case done
        case failed(HTTPParseError)
    }

    /// The limits the body is decoded under (body size, chunk line length).
    public let limits: HTTPLimits
    private var state = State.size
    private var chunkRemaining = 0
    /// Hex digits of the current chunk size, and how many of them are significant
    /// (leading zeros are valid, RFC 9112 §7.1: `chunk-size = 1*HEXDIG`).
    private var sizeDigits = 0
    private var significantSizeDigits = 0
    private var extensionBytes = 0
    private var trailerBytes = 0
    /// Body bytes announced so far: the sizes of the chunks begun, the current one's whole
    /// size included (what ``HTTPLimits/maxBodySize`` is checked against, before the data
    /// arrives); equal to the bytes decoded once the body has ended.
    public private(set) var bodyLength = 0

    /// A decoder at the start of a chunked body.
    public init(limits: HTTPLimits = .default) {
        self.limits = limits
    }

    /// True once the last chunk and the trailer section have been decoded.
    public var isFinished: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decodes from the start of `input`.
    public mutating func decode(_ input: UnsafeRawBufferPointer) -> Step {
        // An error is final, like the parser's; after the end the caller owns every byte.
        switch state {
        case .failed(let error): return .error(error)
        case .done: return .end(consumed: 0)
        default: break
        }
        let count = input.count
        var i = 0
        while i < count {
            if case .data = state {
                let take = min(chunkRemaining, count &- i)
                chunkRemaining &-= take
                if chunkRemaining == 0 { state = .dataCR }
                return .data(i..<(i &+ take), consumed: i &+ take)
            }
            let byte = input[i]
            i &+= 1
            switch state {
            case .size:
                if let digit = Self.hexValue(byte) {
                    sizeDigits &+= 1
                    if chunkRemaining != 0 || digit != 0 { significantSizeDigits &+= 1 }
                    // 15 significant hex digits are 60 bits: a size that cannot overflow Int.
                    guard significantSizeDigits <= 15 else { return fail(.chunkSizeOverflow) }
                    chunkRemaining = chunkRemaining << 4 | digit
                } else if sizeDigits == 0 {
                    return fail(.invalidChunkSize)
                } else if byte == .cr {
                    state = .sizeLF
                } else if byte == UInt8(ascii: ";") {
                    state = .sizeExtension
                } else if byte == .space || byte == .tab {
                    state = .sizeWhitespace
                } else {
                    return fail(.invalidChunkSize)
                }
            case .sizeWhitespace:
                // Whitespace after the size is only the BWS before a `;` (RFC 9112 §7.1.1):
                // `5 \r\n` is not a valid chunk line.
                if byte == UInt8(ascii: ";") {
                    state = .sizeExtension
                } else if byte != .space && byte != .tab {
                    return fail(.invalidChunkSize)
                }
            case .sizeExtension:
                extensionBytes &+= 1
                guard extensionBytes <= limits.maxRequestLineLength else { return fail(.invalidChunkSize) }
                if byte == .cr {
                    state = .sizeLF
                } else if ByteScanner.isControl(byte) {
                    return fail(.invalidChunkSize)
                }
            case .sizeLF:
                guard byte == .lf else { return fail(.bareCR) }
                sizeDigits = 0
                significantSizeDigits = 0
                extensionBytes = 0
                if chunkRemaining == 0 {
                    state = .trailerLineStart
                } else {
                    guard chunkRemaining <= limits.maxBodySize &- bodyLength else {
                        return fail(.bodyTooLarge(limit: limits.maxBodySize))
                    }
                    bodyLength &+= chunkRemaining
                    state = .data
                }
            case .dataCR:
                guard byte == .cr else { return fail(.invalidChunkFraming) }
                state = .dataLF
            case .dataLF:
                guard byte == .lf else { return fail(.invalidChunkFraming) }
                state = .size
            case .trailerLineStart, .trailerName, .trailerValue, .trailerLF, .finalLF:
                trailerBytes &+= 1
                guard trailerBytes <= limits.maxHeaderSectionSize else {
                    return fail(.headerSectionTooLarge(limit: limits.maxHeaderSectionSize))
                }
                switch state {
                case .trailerLineStart:
                    if byte == .cr {
                        state = .finalLF
                    } else if CharacterClass.isToken(byte) {
                        state = .trailerName
                    } else {
                        return fail(.invalidTrailer)
                    }
                case .trailerName:
                    if byte == .colon {
                        state = .trailerValue
                    } else if !CharacterClass.isToken(byte) {
                        return fail(.invalidTrailer)
                    }
                case .trailerValue:
                    if byte == .cr {
                        state = .trailerLF
                    } else if ByteScanner.isControl(byte) {
                        return fail(.invalidTrailer)
                    }
                case .trailerLF:
                    guard byte == .lf else { return fail(.bareCR) }
                    state = .trailerLineStart
                default:  // .finalLF
                    guard byte == .lf else { return fail(.bareCR) }
                    state = .done
                    return .end(consumed: i)
                }
            case .data, .done, .failed:
                // .data is handled above, .done and .failed before the loop, and the states
                // that reach them return at once.
                preconditionFailure("ChunkedBodyDecoder: unreachable state")
            }
        }
        return .needMore(consumed: i)
    }

    private mutating func fail(_ kind: HTTPParseError.Kind) -> Step {
        let error = HTTPParseError(kind)
        state = .failed(error)
        return .error(error)
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte &- UInt8(ascii: "A") &+ 10)
        default: nil
        }
    }
}
