import FuzzSupport
import ProntoHTTP

/// Everything a parse says, as plain values that compare with `==` (a `RequestHead` holds
/// offsets, which are equal for equal heads of the same bytes).
struct ParseSummary: Equatable {
    enum Kind: Equatable {
        case complete
        case needMore
        case error(HTTPParseError.Kind)
    }

    var kind: Kind
    var method: HTTPMethod?
    var ranges: [ByteRange?] = []
    var headers: [HeaderField] = []
    var version: HTTPVersion?
    var targetForm: TargetForm?
    var contentLength: Int?
    var flags: [Bool] = []
    var length = 0

    init(_ result: RequestParser.Result) {
        switch result {
        case .needMore:
            kind = .needMore
        case .error(let error):
            kind = .error(error.kind)
        case .complete(let head):
            kind = .complete
            method = head.method
            ranges = [head.methodRange, head.targetRange, head.pathRange, head.queryRange, head.authorityRange, head.hostRange, head.upgradeRange]
            headers = head.headers
            version = head.version
            targetForm = head.targetForm
            contentLength = head.contentLength
            flags = [head.isChunked, head.keepAlive, head.expectsContinue, head.connectionUpgrade]
            length = head.length
        }
    }
}

/// What must hold for any complete head of `bytes` parsed with `limits`.
func checkHead(_ head: RequestHead, in bytes: UnsafeRawBufferPointer, limits: HTTPLimits) {
    check(head.length >= 4 && head.length <= bytes.count, "head length \(head.length) of \(bytes.count) bytes")
    let end = Array(bytes[(head.length - 4)..<head.length])
    check(end == Array("\r\n\r\n".utf8), "a head ends with its blank line, not \(end)")
    var ranges = [head.methodRange, head.targetRange, head.pathRange]
    ranges += [head.queryRange, head.authorityRange, head.hostRange, head.upgradeRange].compactMap { $0 }
    ranges += head.headers.flatMap { [$0.name, $0.value] }
    for range in ranges {
        check(range.lowerBound <= range.upperBound && Int(range.upperBound) <= head.length, "range \(range) outside the head (\(head.length))")
    }
    check(!head.methodRange.isEmpty, "a head without a method")
    check(head.headers.count <= limits.maxHeaderCount, "\(head.headers.count) headers over the limit \(limits.maxHeaderCount)")
    check(!(head.isChunked && head.contentLength != nil), "both chunked and Content-Length")
    check(head.contentLength.map { $0 >= 0 } ?? true, "negative Content-Length")
    // Every header value's bytes are field-content (RFC 9110 §5.5): no control byte but HTAB.
    for field in head.headers {
        for i in Int(field.value.lowerBound)..<Int(field.value.upperBound) {
            let byte = bytes[i]
            check((byte >= 0x20 || byte == 0x09) && byte != 0x7F, "control byte \(byte) inside a header value")
        }
        for i in Int(field.name.lowerBound)..<Int(field.name.upperBound) {
            check(bytes[i] > 0x20 && bytes[i] < 0x7F && bytes[i] != UInt8(ascii: ":"), "byte \(bytes[i]) inside a header name")
        }
    }
}
