import NIOCore

/// Encodes `Encodable` values as JSON straight into a `ByteBuffer`: no `Data`,
/// `[UInt8]` or `String` in between, no tree of values, no dictionary per object.
///
/// The output is what Foundation's `JSONEncoder()` produces with its default settings,
/// with one deliberate difference: an object's keys come in the order they were encoded
/// (for synthesized `Codable`, the order of the stored properties), where Foundation on
/// Linux writes them in the order of a `Dictionary`, which changes from run to run.
/// Everything else matches byte for byte:
/// - strings: `"`, `\` and `/` escaped (`\/`); control characters as `\b \f \n \r \t`
///   or `\u00xx`; everything else, non-ASCII included, as UTF-8;
/// - numbers: integers of every width (`Int128` too) in decimal; `Double` and `Float` as
///   their Swift `description` without a trailing `.0` (`1`, `0.1`, `1e-07`, `1e+21`,
///   `-0`); NaN and infinities throw `EncodingError.invalidValue`, as Foundation's
///   default `.throw` strategy does;
/// - `Date` as its `timeIntervalSinceReferenceDate` (`.deferredToDate`), `Data` as
///   base64, `URL` as its `absoluteString`, `Decimal` as its `description`;
/// - `nil` written with `encodeNil` (arrays of optionals) is `null`; `encodeIfPresent`
///   (what synthesized `Codable` uses for optionals) omits the key; a top-level scalar
///   is allowed (`"text"`, `42`, `null`).
///
/// If an object encodes the same key twice, both pairs are written (Foundation keeps
/// the last value). An `encode(to:)` that writes into a container after a sibling was
/// started, or swallows an encoding error, cannot be streamed: that value is encoded
/// again with Foundation's `JSONEncoder` (its keys then in Foundation's order).
///
/// ```swift
/// var buffer = ByteBuffer()
/// try JSONBufferEncoder().encode(user, into: &buffer)
/// ```
///
/// Each thread reuses one internal encoder, so an encode allocates nothing but the box
/// Codable puts around each keyed container (and the buffer's own growth).
public struct JSONBufferEncoder: Sendable {
    /// An encoder with Foundation's default settings.
    public init() {}

    /// Appends `value` as JSON to `buffer`.
    ///
    /// - Throws: `EncodingError.invalidValue` for a non-finite `Double` or `Float`, or a
    ///   top-level value that encodes nothing; any error the value's `encode(to:)`
    ///   throws. On error `buffer` is left as it was.
    public func encode<T: Encodable>(_ value: T, into buffer: inout ByteBuffer) throws {
        try JSONEncoderCache.acquire().encode(value, into: &buffer)
    }
}

extension ByteBuffer {
    /// Appends `value` as JSON; see ``JSONBufferEncoder``.
    ///
    /// - Throws: `EncodingError.invalidValue` for a non-finite floating-point value, or
    ///   what the value's `encode(to:)` throws; the buffer is then left as it was.
    public mutating func writeJSON<T: Encodable>(_ value: T, encoder: JSONBufferEncoder = .init()) throws {
        try encoder.encode(value, into: &self)
    }
}
