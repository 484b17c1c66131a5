#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

// The types Foundation's `JSONEncoder` writes its own way rather than through their
// `Encodable` conformance, under its default strategies. `Date` needs nothing here: the
// default `.deferredToDate` is `Date`'s own conformance (a `Double` of seconds since
// 2001-01-01), which the stream encoder writes like any other `Double`.

extension _JSONStreamEncoder {
    /// Writes `value` if it is `Data` (`.base64`, a string), `URL` (its
    /// `absoluteString`) or `Decimal` (its `description`, unquoted); false otherwise.
    @inline(__always)
    func writeFoundationValue<T: Encodable>(_ value: T) -> Bool {
        if T.self == Data.self {
            writeString(unsafeBitCast(value, to: Data.self).base64EncodedString())
        } else if T.self == URL.self {
            writeString(unsafeBitCast(value, to: URL.self).absoluteString)
        } else if T.self == Decimal.self {
            let description = unsafeBitCast(value, to: Decimal.self).description
            let count = description.utf8.count
            let out = reserve(count)
            _ = UnsafeMutableBufferPointer(start: out, count: count).initialize(from: description.utf8)
            cursor = out + count
        } else {
            return false
        }
        return true
    }
}

/// Foundation's own encoder, for the rare value the stream encoder cannot express.
enum _JSONFoundationFallback {
    static func encode<T: Encodable>(_ value: T, into buffer: inout ByteBuffer) throws {
        let data = try JSONEncoder().encode(value)
        _ = data.withUnsafeBytes { buffer.writeBytes($0) }
    }
}
