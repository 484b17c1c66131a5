import HTTPTypes
import ProntoHTTP

extension HTTPTypes.HTTPFields {
    /// Pronto's response fields as swift-http-types fields, in order.
    ///
    /// - Throws: ``HTTPTypesConversionError/invalidFieldName(_:)`` for a name that is not an
    ///   HTTP token (Pronto's encoder would refuse it too, at send time).
    public init(_ fields: ProntoHTTP.HTTPFields) throws(HTTPTypesConversionError) {
        self.init()
        reserveCapacity(fields.count)
        for field in fields {
            guard let name = HTTPField.Name(field.name) else { throw .invalidFieldName(field.name) }
            append(HTTPField(name: name, value: field.value))
        }
    }
}

extension ProntoHTTP.HTTPFields {
    /// swift-http-types fields as Pronto's, in order, names as they were given (`rawName`).
    public init(_ fields: HTTPTypes.HTTPFields) {
        self.init()
        for field in fields { add(name: field.name.rawName, value: field.value) }
    }
}

/// Why a Pronto head could not become a swift-http-types one.
public enum HTTPTypesConversionError: Error, Equatable, CustomStringConvertible {
    /// A header field's name is not an HTTP token (RFC 9110 §5.1).
    case invalidFieldName(String)

    public var description: String {
        switch self {
        case .invalidFieldName(let name):
            "header field name \"\(name)\" is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)"
        }
    }
}
