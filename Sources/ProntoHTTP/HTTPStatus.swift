/// A response status: a three-digit code and its reason phrase.
///
/// The registered statuses are static members; their status lines are written from
/// static strings, so sending one costs a copy and nothing else.
public struct HTTPStatus: Sendable, Hashable, CustomStringConvertible {
    /// The three-digit code.
    public let code: Int
    /// A reason phrase other than the registered one, if any.
    let customReason: String?

    /// A status with its registered reason phrase (or "Unknown" for an unregistered code),
    /// or with `reasonPhrase` if given. `code` must be 100...999 and `reasonPhrase` free of
    /// CR and LF; the encoder refuses anything else with ``ResponseEncodingError``.
    public init(code: Int, reasonPhrase: String? = nil) {
        self.code = code
        self.customReason = reasonPhrase
    }

    /// The reason phrase sent: the one given, else the registered one (RFC 9110 §15).
    public var reasonPhrase: String { customReason ?? Self.registeredReason(code).description }

    /// False for 1xx, 204 and 304, which never carry content (RFC 9110 §6.4.1).
    public var allowsBody: Bool { !(code < 200 || code == 204 || code == 304) }

    /// The code and the reason phrase, as in a status line: `200 OK`.
    public var description: String { "\(code) \(reasonPhrase)" }

    /// `100 Continue`.
    public static let `continue` = HTTPStatus(code: 100)
    /// `101 Switching Protocols`.
    public static let switchingProtocols = HTTPStatus(code: 101)
    /// `200 OK`.
    public static let ok = HTTPStatus(code: 200)
    /// `201 Created`.
    public static let created = HTTPStatus(code: 201)
    /// `202 Accepted`.
    public static let accepted = HTTPStatus(code: 202)
    /// `204 No Content`.
    public static let noContent = HTTPStatus(code: 204)
    /// `206 Partial Content`.
    public static let partialContent = HTTPStatus(code: 206)
    /// `301 Moved Permanently`.
    public static let movedPermanently = HTTPStatus(code: 301)
    /// `302 Found`.
    public static let found = HTTPStatus(code: 302)
    /// `303 See Other`.
    public static let seeOther = HTTPStatus(code: 303)
    /// `304 Not Modified`.
    public static let notModified = HTTPStatus(code: 304)
    /// `307 Temporary Redirect`.
    public static let temporaryRedirect = HTTPStatus(code: 307)
    /// `308 Permanent Redirect`.
    public static let permanentRedirect = HTTPStatus(code: 308)
    /// `400 Bad Request`.
    public static let badRequest = HTTPStatus(code: 400)
    /// `401 Unauthorized`.
    public static let unauthorized = HTTPStatus(code: 401)
    /// `403 Forbidden`.
    public static let forbidden = HTTPStatus(code: 403)
    /// `404 Not Found`.
    public static let notFound = HTTPStatus(code: 404)
    /// `405 Method Not Allowed`.
    public static let methodNotAllowed = HTTPStatus(code: 405)
    /// `406 Not Acceptable`.
    public static let notAcceptable = HTTPStatus(code: 406)
    /// `408 Request Timeout`.
    public static let requestTimeout = HTTPStatus(code: 408)
    /// `409 Conflict`.
    public static let conflict = HTTPStatus(code: 409)
    /// `410 Gone`.
    public static let gone = HTTPStatus(code: 410)
    /// `411 Length Required`.
    public static let lengthRequired = HTTPStatus(code: 411)
    /// `412 Precondition Failed`.
    public static let preconditionFailed = HTTPStatus(code: 412)
    /// `413 Content Too Large`.
    public static let contentTooLarge = HTTPStatus(code: 413)
    /// `414 URI Too Long`.
    public static let uriTooLong = HTTPStatus(code: 414)
    /// `415 Unsupported Media Type`.
    public static let unsupportedMediaType = HTTPStatus(code: 415)
    /// `416 Range Not Satisfiable`.
    public static let rangeNotSatisfiable = HTTPStatus(code: 416)
    /// `417 Expectation Failed`.
    public static let expectationFailed = HTTPStatus(code: 417)
    /// `422 Unprocessable Content`.
    public static let unprocessableContent = HTTPStatus(code: 422)
    /// `426 Upgrade Required`.
    public static let upgradeRequired = HTTPStatus(code: 426)
    /// `429 Too Many Requests`.
    public static let tooManyRequests = HTTPStatus(code: 429)
    /// `431 Request Header Fields Too Large`.
    public static let requestHeaderFieldsTooLarge = HTTPStatus(code: 431)
    /// `500 Internal Server Error`.
    public static let internalServerError = HTTPStatus(code: 500)
    /// `501 Not Implemented`.
    public static let notImplemented = HTTPStatus(code: 501)
    /// `502 Bad Gateway`.
    public static let badGateway = HTTPStatus(code: 502)
    /// `503 Service Unavailable`.
    public static let serviceUnavailable = HTTPStatus(code: 503)
    /// `504 Gateway Timeout`.
    public static let gatewayTimeout = HTTPStatus(code: 504)
    /// `505 HTTP Version Not Supported`.
    public static let httpVersionNotSupported = HTTPStatus(code: 505)

    static func registeredReason(_ code: Int) -> StaticString {
        switch code {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 203: "Non-Authoritative Information"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 426: "Upgrade Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Unknown"
        }
    }

    /// The whole HTTP/1.1 status line of the statuses sent most, CRLF included.
    static func staticStatusLine(_ code: Int) -> StaticString? {
        switch code {
        case 200: "HTTP/1.1 200 OK\r\n"
        case 201: "HTTP/1.1 201 Created\r\n"
        case 204: "HTTP/1.1 204 No Content\r\n"
        case 206: "HTTP/1.1 206 Partial Content\r\n"
        case 301: "HTTP/1.1 301 Moved Permanently\r\n"
        case 302: "HTTP/1.1 302 Found\r\n"
        case 304: "HTTP/1.1 304 Not Modified\r\n"
        case 400: "HTTP/1.1 400 Bad Request\r\n"
        case 404: "HTTP/1.1 404 Not Found\r\n"
        case 405: "HTTP/1.1 405 Method Not Allowed\r\n"
        case 500: "HTTP/1.1 500 Internal Server Error\r\n"
        default: nil
        }
    }
}
