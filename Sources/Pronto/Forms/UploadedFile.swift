/// A file sent in a `multipart/form-data` body, saved to a temporary file on disk as it
/// arrived (never held whole in memory).
///
/// **Who removes the file**: the `UploadedFile` owns it. The file is removed when the last
/// copy of the value (in the ``MultipartForm``, or in a type decoded by
/// `Request/decodeMultipart(_:limits:decoder:)`) goes away, so a handler that does nothing
/// leaks nothing. To keep the file, ``move(to:)`` it: it is then yours. To free the disk
/// before the handler ends, call ``delete()``.
///
/// ```swift
/// let form = try await request.multipartForm()
/// if let avatar = form.file("avatar") {
///     try await avatar.move(to: "/srv/avatars/\(userID).png")
/// }
/// ```
///
/// As a `Decodable` field it decodes only with `Request/decodeMultipart(_:limits:decoder:)`.
public struct UploadedFile: Sendable, Decodable {
    /// The name of the form field the file was sent under.
    public let name: String
    /// The file name the client gave (`filename=` of its `Content-Disposition`), as sent:
    /// it is the client's choice, so never use it as a path without checking it.
    public let filename: String
    /// The part's `Content-Type`, `application/octet-stream` when the client gave none.
    public let contentType: String
    /// The file's size in bytes.
    public let size: Int
    let storage: TemporaryFile

    init(name: String, filename: String, contentType: String, size: Int, storage: TemporaryFile) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.storage = storage
    }

    /// Where the file is (in ``MultipartLimits/temporaryDirectory``) until it is moved or
    /// deleted.
    public var path: String { storage.path }

    /// Removes the file now, off the event loop; calling it again does nothing.
    public func delete() async {
        await storage.remove()
    }

    /// Renames the file to `destination` (which must be on the same file system as the
    /// temporary directory); from then on the file is yours and nothing removes it.
    ///
    /// - Throws: `IOError` when the rename fails (the file then stays owned, and removed as
    ///   usual), or when the file was already moved or deleted.
    public func move(to destination: String) async throws {
        try await storage.move(to: destination)
    }

    /// Takes the file sent under this field from a multipart form being decoded.
    public init(from decoder: any Decoder) throws {
        guard let decoder = decoder as? FormValueDecoder else {
            throw DecodingError.typeMismatch(UploadedFile.self, DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "an UploadedFile decodes only from a multipart form (Request.decodeMultipart)"))
        }
        guard let file = decoder.node.files.first else {
            let sentText = !decoder.node.values.isEmpty
            throw DecodingError.typeMismatch(UploadedFile.self, decoder.context(sentText ? "expected a file, got a text field" : "expected a file"))
        }
        self = file
    }
}
