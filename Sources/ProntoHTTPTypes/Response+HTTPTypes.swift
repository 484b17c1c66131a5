import HTTPTypes
import Pronto

extension Response {
    /// A response with `head`'s status and fields, and `body`. A `Content-Type` field
    /// becomes `Response/contentType` (Pronto writes that one itself); `Content-Length`
    /// and `Transfer-Encoding` are dropped, since Pronto frames the body it sends.
    public init(_ head: HTTPResponse, body: Body = .empty) {
        var contentType: String?
        var headers = ProntoHTTP.HTTPFields()
        for field in head.headerFields {
            switch field.name {
            case .contentType where contentType == nil: contentType = field.value
            case .contentLength, .transferEncoding: continue
            default: headers.add(name: field.name.rawName, value: field.value)
            }
        }
        // swift-http-types leaves the reason empty for a status made from its code alone
        // (generated OpenAPI code does that): then the registered one is sent.
        let reason = head.status.reasonPhrase
        self.init(
            status: HTTPStatus(code: head.status.code, reasonPhrase: reason.isEmpty ? nil : reason),
            contentType: contentType, headers: headers, body: body)
    }

    /// The response's head as swift-http-types' `HTTPResponse`: status, `contentType` as a
    /// `Content-Type` field first, then the other fields in order. The framing fields
    /// Pronto adds when it sends (`Content-Length`, `Date`…) are not in it.
    ///
    /// - Throws: ``HTTPTypesConversionError/invalidFieldName(_:)`` for a field name that is
    ///   not an HTTP token.
    public func httpResponse() throws(HTTPTypesConversionError) -> HTTPResponse {
        var fields = HTTPTypes.HTTPFields()
        fields.reserveCapacity(headers.count + 1)
        if let contentType { fields.append(HTTPField(name: .contentType, value: contentType)) }
        fields.append(contentsOf: try HTTPTypes.HTTPFields(headers))
        return HTTPResponse(status: HTTPResponse.Status(code: status.code, reasonPhrase: status.reasonPhrase), headerFields: fields)
    }
}
