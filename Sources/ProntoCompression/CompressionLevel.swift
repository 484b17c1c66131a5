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
    /// The middleware's default, level 5: within 1 % of level 6's size on JSON and text
    /// for less time per byte (see the measurement in the Compression guide).
    public static let `default` = CompressionLevel(uncheckedValue: 5)

    /// A level in 1...9.
    ///
    /// - Throws: ``ConfigurationError`` when `value` is outside 1...9 (0 would send the
    ///   bytes uncompressed inside a gzip wrapper: leave the middleware out instead).
    public init(_ value: Int) throws {
        guard (1...9).contains(value) else {
            throw ConfigurationError(
                property: "CompressionLevel", value: String(value),
                expected: "a zlib level in 1...9 (1 is fastest, 9 smallest; .default is 5)")
        }
        self.value = value
    }

    private init(uncheckedValue: Int) {
        value = uncheckedValue
    }

    public var description: String { "level \(value)" }
}
