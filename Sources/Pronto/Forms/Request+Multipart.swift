extension Request {
    /// Reads the `multipart/form-data` body: text fields in memory, files to temporary
    /// files (see ``MultipartForm`` and, for who removes them, ``UploadedFile``).
    ///
    /// On a route that streams its body (`app.post("/upload", body: .stream) { … }`) the
    /// body is parsed from `Request/bodyStream` as it arrives, so a file of any size costs
    /// one buffer of memory and the route's own limit replaces the server's 1 MiB one;
    /// otherwise from the collected `Request/body`.
    ///
    /// - Throws: ``HTTPError`` 415 when the Content-Type is not `multipart/form-data`, 400
    ///   for a malformed body (with the reason), 413 past one of `limits`; `IOError` when a
    ///   file cannot be written (a 500).
    public func multipartForm(limits: MultipartLimits = MultipartLimits()) async throws -> MultipartForm {
        if let bodyStream {
            return try await MultipartForm.read(from: bodyStream, contentType: contentType, limits: limits)
        }
        return try await MultipartForm.read(from: SingleBufferSequence(buffer: body), contentType: contentType, limits: limits)
    }

    /// Reads the `multipart/form-data` body and decodes it into `T`: text fields as with
    /// ``decodeForm(_:decoder:)``, files as ``UploadedFile`` fields.
    ///
    /// ```swift
    /// struct Upload: Decodable { var title: String; var document: UploadedFile }
    /// let upload = try await request.decodeMultipart(Upload.self)
    /// ```
    /// Files `T` does not hold are removed when this returns; those it holds are removed
    /// when the last copy of `T` goes, unless moved.
    ///
    /// - Throws: as ``multipartForm(limits:)``, and a 400 naming the missing or invalid field.
    public func decodeMultipart<T: Decodable>(
        _ type: T.Type, limits: MultipartLimits = MultipartLimits(), decoder: URLEncodedFormDecoder = URLEncodedFormDecoder()
    ) async throws -> T {
        let form = try await multipartForm(limits: limits)
        do {
            return try form.decode(T.self, decoder: decoder)
        } catch {
            await form.deleteFiles()
            throw HTTPError(.badRequest, "invalid form body: \(Self.describeFormError(error))")
        }
    }
}
