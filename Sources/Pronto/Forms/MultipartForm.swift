import NIOCore

/// A `multipart/form-data` body, read: its text fields in memory, its files on disk.
///
/// ```swift
/// app.post("/upload") { request async throws -> String in
///     let form = try await request.multipartForm()
///     guard let file = form.file("document") else { throw HTTPError(.badRequest, "no document") }
///     return "\(form["title"] ?? "untitled"): \(file.size) bytes"
/// }
/// ```
/// The files belong to their ``UploadedFile`` values: each is removed from disk when the
/// last copy of its value (this form, or anything holding it) goes away, unless it was
/// moved. See ``UploadedFile`` for keeping one.
public struct MultipartForm: Sendable {
    /// The text fields in the order they came, their values as sent (UTF-8).
    public let fields: [(name: String, value: String)]
    /// The files in the order they came.
    public let files: [UploadedFile]

    init(fields: [(name: String, value: String)], files: [UploadedFile]) {
        self.fields = fields
        self.files = files
    }

    /// The first text field named `name`.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every text field named `name`, in order (a multiple select, checkboxes).
    public func values(for name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// The first file sent under the field `name`.
    public func file(_ name: String) -> UploadedFile? {
        files.first { $0.name == name }
    }

    /// Every file sent under the field `name` (`<input type="file" multiple>`).
    public func files(named name: String) -> [UploadedFile] {
        files.filter { $0.name == name }
    }

    /// Removes every file not moved yet, now; the form's files are then gone.
    public func deleteFiles() async {
        for file in files { await file.delete() }
    }

    /// Decodes the fields, and the files as ``UploadedFile`` values, into `T`, with the
    /// rules of ``URLEncodedFormDecoder`` (bracketed names nest: `user[name]`).
    ///
    /// - Throws: `DecodingError` naming the field (`Request/decodeMultipart(_:limits:decoder:)`
    ///   makes it a 400).
    public func decode<T: Decodable>(_ type: T.Type, decoder: URLEncodedFormDecoder = URLEncodedFormDecoder()) throws -> T {
        var tree = FormTree()
        for field in fields where !tree.insert(field.value, named: field.name) {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "the field name '\(field.name.prefix(64))…' nests deeper than \(FormTree.maxDepth) levels"))
        }
        for file in files where !tree.insert(file, named: file.name) {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "the field name '\(file.name.prefix(64))…' nests deeper than \(FormTree.maxDepth) levels"))
        }
        return try decoder.decode(T.self, from: tree)
    }

    /// Reads a `multipart/form-data` body arriving as a sequence of buffers (a request's
    /// body stream, or one collected buffer), writing file parts to disk as they come:
    /// memory holds the text fields and one buffer, whatever the files' sizes.
    ///
    /// - Parameters:
    ///   - body: the body's bytes, in order.
    ///   - contentType: the request's `Content-Type`, which carries the boundary.
    ///   - limits: sizes and counts past which the body is refused.
    /// - Throws: ``HTTPError`` 415 when `contentType` is not `multipart/form-data`; 400 for a
    ///   missing or invalid boundary parameter, a malformed part or a missing closing
    ///   boundary; 413 past a limit. Whatever `body` throws, and `IOError` when a file cannot
    ///   be written. Files already written are removed before it throws.
    public static func read<Body: AsyncSequence>(
        from body: Body, contentType: String?, limits: MultipartLimits = MultipartLimits()
    ) async throws -> MultipartForm where Body.Element == ByteBuffer {
        let delimiter = try delimiter(contentType: contentType)
        var reader = MultipartFormReader(delimiter: delimiter, limits: limits)
        return try await reader.read(body)
    }

    /// The delimiter named by a `multipart/form-data` Content-Type's boundary parameter.
    static func delimiter(contentType: String?) throws(HTTPError) -> MultipartDelimiter {
        guard let contentType, let parsed = HeaderParameters(contentType), parsed.value == "multipart/form-data" else {
            throw HTTPError(.unsupportedMediaType, "expected a multipart/form-data body, got \(contentType.map { "'\($0)'" } ?? "no Content-Type")")
        }
        guard let boundary = parsed["boundary"] else {
            throw HTTPError(.badRequest, "the multipart/form-data Content-Type has no boundary parameter")
        }
        guard let delimiter = MultipartDelimiter(boundary: boundary) else {
            throw HTTPError(.badRequest, "invalid multipart boundary '\(boundary.prefix(100))': 1 to 70 letters, digits or '()+_,-./:=? (RFC 2046)")
        }
        return delimiter
    }
}

/// A collected body as the one-buffer sequence ``MultipartForm/read(from:contentType:limits:)`` takes.
struct SingleBufferSequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let buffer: ByteBuffer?

    struct AsyncIterator: AsyncIteratorProtocol {
        var buffer: ByteBuffer?
        mutating func next() async -> ByteBuffer? {
            defer { buffer = nil }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}
