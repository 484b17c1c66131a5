/// A request method. The registered methods a server meets every day are cases;
/// any other token is ``other`` and its bytes stay in the head (``RequestHead/methodRange``).
///
/// Methods are case-sensitive (RFC 9110 §9.1): `get` is a valid token but not `GET`.
public enum HTTPMethod: Sendable, Hashable {
    case get, head, post, put, delete, options, patch, connect, trace
    case other

    /// The method's name, or `nil` for ``other`` (read it from the head's bytes).
    public var name: String? {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .options: "OPTIONS"
        case .patch: "PATCH"
        case .connect: "CONNECT"
        case .trace: "TRACE"
        case .other: nil
        }
    }

    /// Recognises a method token by length first, then by its bytes.
    @inlinable
    static func recognise(_ p: UnsafeRawPointer, _ start: Int, _ count: Int) -> HTTPMethod {
        @inline(__always) func b(_ i: Int) -> UInt8 { p.load(fromByteOffset: start &+ i, as: UInt8.self) }
        switch count {
        case 3:
            if b(0) == 0x47, b(1) == 0x45, b(2) == 0x54 { return .get }  // GET
            if b(0) == 0x50, b(1) == 0x55, b(2) == 0x54 { return .put }  // PUT
        case 4:
            if b(0) == 0x50, b(1) == 0x4F, b(2) == 0x53, b(3) == 0x54 { return .post }  // POST
            if b(0) == 0x48, b(1) == 0x45, b(2) == 0x41, b(3) == 0x44 { return .head }  // HEAD
        case 5:
            if equal(p, start, "PATCH") { return .patch }
            if equal(p, start, "TRACE") { return .trace }
        case 6:
            if equal(p, start, "DELETE") { return .delete }
        case 7:
            if equal(p, start, "OPTIONS") { return .options }
            if equal(p, start, "CONNECT") { return .connect }
        default:
            break
        }
        return .other
    }

    @inlinable
    static func equal(_ p: UnsafeRawPointer, _ start: Int, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { lit in
            for i in 0..<lit.count where p.load(fromByteOffset: start &+ i, as: UInt8.self) != lit[i] {
                return false
            }
            return true
        }
    }
}

/// An HTTP version as received. Pronto serves 1.0 and 1.1; a higher 1.x minor is
/// answered as 1.1 (RFC 9110 §6.2), another major is refused with 505.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The major version: 1.
    public var major: UInt8
    /// The minor version: 0 or 1.
    public var minor: UInt8

    /// HTTP/`major`.`minor`.
    public init(major: UInt8, minor: UInt8) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// True for HTTP/1.1 and any later 1.x.
    @inlinable public var isAtLeast1_1: Bool { major > 1 || (major == 1 && minor >= 1) }

    public var description: String { "HTTP/\(major).\(minor)" }
}
