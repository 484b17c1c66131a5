import Pronto

/// How hard zlib works: 1 (fastest, larger output) to 9 (smallest output, slowest).
///
/// ```swift
/// try CompressionMiddleware(level: .fastest)
/// try CompressionMiddleware(level: CompressionLevel(4))
/// ```
public struct CompressionLevel: Sendable, Hashable, CustomStringConvertible {
    /// The zlib level, in 1...9.
    public let value: Int

    /// Level 1: the least CPU per byte.
    public static let fastest = CompressionLevel(uncheckedValue: 1)
    /// Level 9: the smallest output, for bodies compressed once and sent often.
    public static let best = CompressionLevel(uncheckedValue: 9)
    /// The middleware's default, level 3: the knee of zlib's curve. Measured on a 16 KiB
    /// JSON-like body (release, one core): level 1 gave 2,422 bytes in 91 µs, level 3 2,285
    /// bytes in 95 µs, zlib's own default (6) 2,209 bytes in 155 µs, each with a new
    /// compressor (47 µs of that). Levels 1 to 3 use zlib's fast matcher, 4 and up its lazy
    /// one; see the Compression guide.
    public static let `default` = CompressionLevel(uncheckedValue: 3)

    /// A level in 1...9.
    ///
    /// - Throws: `ConfigurationError` when `value` is outside 1...9 (0 would send the
    ///   bytes uncompressed inside a gzip wrapper: leave the middleware out instead).
    public init(_ value: Int) throws {
        guard (1...9).contains(value) else {
            throw ConfigurationError(
                property: "CompressionLevel", value: String(value),
                expected: "a zlib level in 1...9 (1 is fastest, 9 smallest; .default is 3)")
        }
        self.value = value
    }

    private init(uncheckedValue: Int) {
        value = uncheckedValue
    }

    /// `level N`.
    public var description: String { "level \(value)" }
}
