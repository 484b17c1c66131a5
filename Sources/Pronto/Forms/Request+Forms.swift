import NIOCore

extension Request {
    /// Decodes the `application/x-www-form-urlencoded` body (an HTML form's POST) into `T`.
    ///
    /// ```swift
    /// struct Signup: Decodable { var name: String; var age: Int; var newsletter: Bool? }
    /// app.post("/signup") { request in
    ///     let signup = try request.decodeForm(Signup.self)  // a bad or missing age is a 400
    ///     return "welcome, \(signup.name)"
    /// }
    /// ```
    /// See ``URLEncodedFormDecoder`` for the shapes understood (nested names, lists, dates).
    ///
    /// - Throws: ``HTTPError`` 415 when the Content-Type is not
    ///   `application/x-www-form-urlencoded`; 400 naming the missing or invalid field
    ///   (`missing field 'age'`, `invalid field 'age': expected an integer, got 'x'`).
    ///   An empty or absent body is an empty form: only a type whose fields are all
    ///   optional decodes from it. A route that streams its body (`body: .stream`) has no
    ///   collected body here: give it the default policy, or collect the stream first
    ///   (`Request/collectBody(upTo:)`) and decode that with ``URLEncodedFormDecoder``.
    public func decodeForm<T: Decodable>(_ type: T.Type, decoder: URLEncodedFormDecoder = URLEncodedFormDecoder()) throws(HTTPError) -> T {
        guard let contentType, Self.mediaType(of: contentType) == "application/x-www-form-urlencoded" else {
            throw HTTPError(.unsupportedMediaType, "expected a form body (Content-Type: application/x-www-form-urlencoded), got \(contentType.map { "'\($0)'" } ?? "no Content-Type")")
        }
        do {
            return try decoder.decode(T.self, from: body ?? ByteBuffer())
        } catch {
            throw HTTPError(.badRequest, "invalid form body: \(Self.describeFormError(error))")
        }
    }

    /// Decodes the query string into `T`, with the rules of ``URLEncodedFormDecoder``
    /// (`/search?q=swift&page=2&tags[]=a` into `struct Search { var q: String; var page: Int?; var tags: [String]? }`).
    /// For one parameter, ``query(_:as:)`` is cheaper.
    ///
    /// - Throws: ``HTTPError`` 400 naming the missing or invalid parameter.
    public func decodeQuery<T: Decodable>(_ type: T.Type, decoder: URLEncodedFormDecoder = URLEncodedFormDecoder()) throws(HTTPError) -> T {
        do {
            return try decoder.decode(T.self, from: query ?? "")
        } catch {
            throw HTTPError(.badRequest, "invalid query: \(Self.describeFormError(error))")
        }
    }

    /// The media type of a Content-Type value, lowercased, without parameters.
    static func mediaType(of contentType: String) -> String {
        contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingASCIISpaces().lowercased() } ?? ""
    }

    /// A one-line reason naming the field as the form spells it (`user[address][zip]`).
    static func describeFormError(_ error: any Error) -> String {
        func name(_ path: [any CodingKey]) -> String {
            guard let first = path.first else { return "" }
            return path.dropFirst().reduce(first.stringValue) { $0 + "[\($1.stringValue)]" }
        }
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(name(context.codingPath + [key]))'"
        case .valueNotFound(_, let context):
            return context.codingPath.isEmpty ? context.debugDescription : "missing value for '\(name(context.codingPath))'"
        case .typeMismatch(_, let context), .dataCorrupted(let context):
            return context.codingPath.isEmpty ? context.debugDescription : "invalid field '\(name(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
