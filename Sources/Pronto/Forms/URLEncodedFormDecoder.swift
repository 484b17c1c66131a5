#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

/// Decodes `application/x-www-form-urlencoded` data (an HTML form's body, or a query
/// string) into a `Decodable` type.
///
/// ```swift
/// struct Signup: Decodable { var name: String; var age: Int; var tags: [String] }
/// let signup = try URLEncodedFormDecoder().decode(Signup.self, from: "name=Ada&age=36&tags[]=a&tags[]=b")
/// ```
/// Shapes understood:
/// - nested structures through bracketed names: `address[city]=Paris`;
/// - lists through empty brackets (`tags[]=a&tags[]=b`), repeated names (`tags=a&tags=b`) or
///   indices (`items[0][name]=x&items[1][name]=y`);
/// - `String`, every integer and floating-point type, `Bool` (`true`/`false`, `1`/`0`,
///   `on`/`off`, `yes`/`no`: a checked box sends `on`), `URL`, `Date` (see
///   ``DateDecodingStrategy``), and anything decoding from those (`UUID`, `String` enums…);
/// - optionals: a missing field is `nil`, and so is an empty one (`age=`, what an empty
///   `<input>` sends) unless the type is `String`, which gets `""`.
///
/// Errors are `DecodingError`s whose coding path names the field; `Request/decodeForm(_:decoder:)`
/// turns them into a 400 saying which field is missing or invalid.
public struct URLEncodedFormDecoder: Sendable {
    /// How a `Date` field is read.
    public enum DateDecodingStrategy: Sendable {
        /// ISO 8601: `2024-05-01T12:30:00Z` (offsets and fractional seconds allowed), or the
        /// date alone, `2024-05-01` (midnight UTC), as `<input type="date">` sends it.
        case iso8601
        /// Seconds since 1970-01-01T00:00:00Z, possibly fractional: `1714566600.5`.
        case secondsSince1970
        /// Milliseconds since 1970-01-01T00:00:00Z.
        case millisecondsSince1970
        /// Your own parser; throw any error to reject the value (it becomes a 400 naming
        /// the field).
        case custom(@Sendable (String) throws -> Date)
    }

    /// How `Date` fields are read; ISO 8601 by default.
    public var dateDecodingStrategy: DateDecodingStrategy
    /// Values available to the decoded types' `init(from:)` through `decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// A decoder reading dates with `dateDecodingStrategy`, and handing `userInfo` to the
    /// types it decodes.
    public init(dateDecodingStrategy: DateDecodingStrategy = .iso8601, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.dateDecodingStrategy = dateDecodingStrategy
        self.userInfo = userInfo
    }

    /// Decodes `T` from url-encoded text (`a=1&b=2`, without a leading `?`).
    public func decode<T: Decodable>(_ type: T.Type, from string: String) throws -> T {
        try decode(T.self, from: FormTree(urlEncoded: string))
    }

    /// Decodes `T` from the url-encoded bytes of `buffer` (a request body).
    public func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try decode(T.self, from: buffer.withUnsafeReadableBytes { try FormTree(urlEncoded: $0) })
    }

    func decode<T: Decodable>(_ type: T.Type, from tree: FormTree) throws -> T {
        try FormValueDecoder(node: tree, codingPath: [], options: self).decodeValue(T.self)
    }
}

extension URLEncodedFormDecoder.DateDecodingStrategy {
    /// The date `text` stands for, or nil when it is not one.
    func date(from text: String) throws -> Date? {
        switch self {
        case .iso8601:
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            return try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day())
        case .secondsSince1970:
            return Double(text).map { Date(timeIntervalSince1970: $0) }
        case .millisecondsSince1970:
            return Double(text).map { Date(timeIntervalSince1970: $0 / 1000) }
        case .custom(let parse):
            return try parse(text)
        }
    }

    var expectation: String {
        switch self {
        case .iso8601: "an ISO 8601 date"
        case .secondsSince1970: "a date in seconds since 1970"
        case .millisecondsSince1970: "a date in milliseconds since 1970"
        case .custom: "a date"
        }
    }
}
