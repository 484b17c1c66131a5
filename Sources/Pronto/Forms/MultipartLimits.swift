#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounds on a `multipart/form-data` body, and where its files go. Past a size or count
/// limit the request is refused with a 413 naming the limit; a header section past
/// ``maxHeaderSize`` is a 400.
///
/// The engine's own body limit (`ServerConfiguration.limits`) applies first to a collected
/// body; these apply to what is parsed, collected or streamed.
public struct MultipartLimits: Sendable {
    /// The largest text field, in bytes. Fields are held in memory, so together they take
    /// at most ``maxParts`` × ``maxFieldSize``. Default 64 KiB.
    public var maxFieldSize: Int
    /// The largest file, in bytes (written to disk). Default 100 MiB.
    public var maxFileSize: Int
    /// The largest body, in bytes, all parts and delimiters included. Default 200 MiB.
    public var maxTotalSize: Int
    /// The most parts (fields and files) a body may have. Default 100.
    public var maxParts: Int
    /// The largest header section of one part, in bytes. Default 8 KiB.
    public var maxHeaderSize: Int
    /// Where uploaded files are written: `$TMPDIR`, or `/tmp`. Put it on the file system
    /// you will move files to, so ``UploadedFile/move(to:)`` is a rename, not a copy.
    public var temporaryDirectory: String

    /// Limits with the defaults above, changed where you say; `temporaryDirectory` nil
    /// means `$TMPDIR`, or `/tmp`.
    public init(
        maxFieldSize: Int = 64 * 1024,
        maxFileSize: Int = 100 * 1024 * 1024,
        maxTotalSize: Int = 200 * 1024 * 1024,
        maxParts: Int = 100,
        maxHeaderSize: Int = 8 * 1024,
        temporaryDirectory: String? = nil
    ) {
        self.maxFieldSize = maxFieldSize
        self.maxFileSize = maxFileSize
        self.maxTotalSize = maxTotalSize
        self.maxParts = maxParts
        self.maxHeaderSize = maxHeaderSize
        self.temporaryDirectory = temporaryDirectory ?? Self.systemTemporaryDirectory
    }

    static var systemTemporaryDirectory: String {
        if let directory = getenv("TMPDIR"), directory.pointee != 0 { return String(cString: directory) }
        return "/tmp"
    }
}
