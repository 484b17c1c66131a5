import HTTPTypes
import Pronto

extension Request {
    /// The request's head as swift-http-types' `HTTPRequest`, built when asked (a `String`
    /// per header field; Pronto's own request keeps offsets into the bytes it read).
    ///
    /// As swift-http-types' HTTP/1 conversion does, the `Host` header (or an absolute-form
    /// target's authority) becomes `authority` and is not repeated among the fields; `path`
    /// is the target as sent (`/users?page=2`, `*` for `OPTIONS *`); `scheme` is `http`
    /// (nil for `CONNECT`, whose target is the authority).
    public var httpRequest: HTTPRequest {
        // The parser accepted the method as a token, which is what Method accepts.
        let method = HTTPRequest.Method(methodName) ?? .get
        var fields = HTTPTypes.HTTPFields()
        withHeadBytes { bytes in
            fields.reserveCapacity(head.headers.count)
            for header in head.headers {
                let name = head.string(header.name, in: bytes)
                if head.hostRange != nil, name.utf8.count == 4, name.lowercased() == "host" { continue }
                // Names the parser accepted are tokens: Name(_:) cannot fail on them.
                guard let fieldName = HTTPField.Name(name) else { continue }
                fields.append(HTTPField(name: fieldName, value: head.string(header.value, in: bytes)))
            }
        }
        let isConnect = method == .connect
        let path: String? = switch head.targetForm {
        case .authority: nil
        case .absolute: query.map { "\(self.path)?\($0)" } ?? self.path
        default: target
        }
        return HTTPRequest(method: method, scheme: isConnect ? nil : "http", authority: host, path: path, headerFields: fields)
    }
}
