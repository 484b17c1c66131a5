/// A cookie to set with `Set-Cookie` (RFC 6265 §4.1).
public struct Cookie: Sendable, Hashable {
    /// The `SameSite` attribute: when browsers send the cookie with cross-site requests.
    public enum SameSite: String, Sendable, Hashable {
        case strict = "Strict"
        case lax = "Lax"
        case none = "None"
    }

    /// The cookie's name.
    public var name: String
    /// The cookie's value, sent as given.
    public var value: String
    /// The `Path` attribute.
    public var path: String?
    /// The `Domain` attribute.
    public var domain: String?
    /// Seconds until the cookie expires; 0 or less deletes it.
    public var maxAge: Int?
    /// An IMF-fixdate, e.g. from `HTTPDate.string(_:)`.
    public var expires: String?
    /// The `Secure` attribute: HTTPS only.
    public var secure: Bool
    /// The `HttpOnly` attribute: hidden from scripts.
    public var httpOnly: Bool
    /// The `SameSite` attribute.
    public var sameSite: SameSite?

    /// A cookie; each parameter sets the attribute of the same name.
    public init(
        name: String, value: String, path: String? = nil, domain: String? = nil, maxAge: Int? = nil,
        expires: String? = nil, secure: Bool = false, httpOnly: Bool = false, sameSite: SameSite? = nil
    ) {
        self.name = name
        self.value = value
        self.path = path
        self.domain = domain
        self.maxAge = maxAge
        self.expires = expires
        self.secure = secure
        self.httpOnly = httpOnly
        self.sameSite = sameSite
    }

    /// The `Set-Cookie` field value. Throws when the name is not a token or the value,
    /// path or domain hold characters RFC 6265 does not allow (which could inject attributes).
    public func headerValue() throws(HTTPError) -> String {
        guard !name.isEmpty, name.utf8.allSatisfy(Self.isToken) else {
            throw HTTPError(.internalServerError, "cookie name '\(name)' is not a token")
        }
        guard value.utf8.allSatisfy(Self.isCookieOctet) else {
            throw HTTPError(.internalServerError, "cookie '\(name)' has a value with a character RFC 6265 forbids (space, quote, comma, semicolon, backslash or control): percent-encode it")
        }
        for (attribute, text) in [("Path", path), ("Domain", domain), ("Expires", expires)] {
            if let text, text.utf8.contains(where: { $0 == UInt8(ascii: ";") || $0 < 0x20 || $0 == 0x7F }) {
                throw HTTPError(.internalServerError, "cookie '\(name)' has a \(attribute) with ';' or a control character")
            }
        }
        var result = "\(name)=\(value)"
        if let path { result += "; Path=\(path)" }
        if let domain { result += "; Domain=\(domain)" }
        if let maxAge { result += "; Max-Age=\(maxAge)" }
        if let expires { result += "; Expires=\(expires)" }
        if secure || sameSite == SameSite.none { result += "; Secure" }
        if httpOnly { result += "; HttpOnly" }
        if let sameSite { result += "; SameSite=\(sameSite.rawValue)" }
        return result
    }

    static func isToken(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && !"()<>@,;:\\\"/[]?={}".utf8.contains(byte)
    }

    /// cookie-octet: visible ASCII except DQUOTE, comma, semicolon and backslash.
    static func isCookieOctet(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x2B).contains(byte) || (0x2D...0x3A).contains(byte)
            || (0x3C...0x5B).contains(byte) || (0x5D...0x7E).contains(byte)
    }
}

extension Request {
    /// The cookies the client sent (`Cookie` headers, RFC 6265 §5.4), by name. A repeated
    /// name keeps its first value; malformed pairs are skipped.
    public var cookies: [String: String] {
        var result: [String: String] = [:]
        for header in headers(named: "cookie") {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingASCIISpaces()
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                let name = String(trimmed[..<equals])
                var value = trimmed[trimmed.index(after: equals)...]
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                if !name.isEmpty, result[name] == nil { result[name] = String(value) }
            }
        }
        return result
    }
}

extension Response {
    /// Adds a `Set-Cookie` header. Throws (a 500 with a clear reason) for an invalid cookie.
    public mutating func setCookie(_ cookie: Cookie) throws(HTTPError) {
        headers.add(name: "Set-Cookie", value: try cookie.headerValue())
    }
}

extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
