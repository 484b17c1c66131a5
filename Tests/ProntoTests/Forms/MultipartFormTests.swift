import Foundation
import NIOCore
@testable import Pronto
import Testing

@Suite("Multipart forms: fields, files on disk, limits")
struct MultipartFormTests {
    static let body = MultipartBody(parts: [
        .field("title", "Holiday"),
        .file(name: "photos", filename: "one.jpg", contentType: "image/jpeg", bytes: Array(repeating: 0xAB, count: 100_000)),
        .field("tag", "sea"),
        .file(name: "photos", filename: "two.jpg", contentType: "image/jpeg", bytes: [1, 2, 3]),
        .field("tag", "sun"),
        .file(name: "notes", filename: "notes.txt", contentType: nil, bytes: Array("first\r\n--\r\nlast".utf8)),
        .file(name: "nothing", filename: "", contentType: "application/octet-stream", bytes: []),
        .file(name: "empty", filename: "empty.txt", contentType: "text/plain", bytes: []),
    ])

    func read(_ body: MultipartBody, chunkSize: Int = 4096, limits: MultipartLimits) async throws -> MultipartForm {
        try await MultipartForm.read(from: ChunkedBody(bytes: body.bytes, chunkSize: chunkSize), contentType: body.contentType, limits: limits)
    }

    @Test("fields in memory, files on disk with their bytes, names and types; an empty file input yields no file", arguments: [1, 7, 4096, 1 << 20])
    func readsForm(chunkSize: Int) async throws {
        try await withUploadDirectory { directory in
            let form = try await read(Self.body, chunkSize: chunkSize, limits: MultipartLimits(temporaryDirectory: directory))
            #expect(form["title"] == "Holiday")
            #expect(form.values(for: "tag") == ["sea", "sun"])
            #expect(form.fields.map(\.name) == ["title", "tag", "tag"])
            #expect(form.files.map(\.filename) == ["one.jpg", "two.jpg", "notes.txt", "empty.txt"])
            #expect(form.files(named: "photos").map(\.size) == [100_000, 3])
            let one = try #require(form.file("photos"))
            #expect(one.contentType == "image/jpeg")
            #expect(one.path.hasPrefix(directory + "/pronto-upload-"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: one.path)) == Data(repeating: 0xAB, count: 100_000))
            let notes = try #require(form.file("notes"))
            #expect(notes.contentType == "application/octet-stream")
            #expect(try String(contentsOfFile: notes.path, encoding: .utf8) == "first\r\n--\r\nlast")
            #expect(form.file("empty")?.size == 0)
            #expect(form.file("nothing") == nil)
            #expect(filesIn(directory).count == 4)
            await form.deleteFiles()
            #expect(filesIn(directory).isEmpty)
        }
    }

    @Test("the files go when the last UploadedFile goes; a moved file stays, the caller's")
    func ownership() async throws {
        try await withUploadDirectory { directory in
            let kept = directory + "/kept.jpg"
            do {
                let form = try await read(Self.body, limits: MultipartLimits(temporaryDirectory: directory))
                try await form.file("photos")!.move(to: kept)
                await #expect(throws: IOError.self) { try await form.file("photos")!.move(to: kept + "2") }
                #expect(filesIn(directory).count == 4)
            }
            // The form is gone: its other files are removed (by the thread pool, soon after).
            #expect(try await waitUntil(directory, holds: ["kept.jpg"]))
            #expect(try Data(contentsOf: URL(fileURLWithPath: kept)).count == 100_000)
        }
    }

    @Test("past a limit: 413 naming it, and no file left behind", arguments: [
        (MultipartLimits(maxFieldSize: 6), "the field 'title' is larger than 6 bytes"),
        (MultipartLimits(maxFileSize: 99_999), "the file 'photos' is larger than 99999 bytes"),
        (MultipartLimits(maxParts: 4), "the multipart body has more than 4 parts"),
        (MultipartLimits(maxTotalSize: 100_500), "the multipart body is larger than 100500 bytes"),
    ])
    func limits(limits: MultipartLimits, reason: String) async throws {
        try await withUploadDirectory { directory in
            var limits = limits
            limits.temporaryDirectory = directory
            // In buffers of 1000 bytes: the limits are hit after a file, or a 64 KiB batch of one, is on disk.
            let error = await #expect(throws: HTTPError.self) { try await read(Self.body, chunkSize: 1000, limits: limits) }
            #expect(error == HTTPError(.contentTooLarge, reason))
            #expect(filesIn(directory).isEmpty)
        }
    }

    @Test("a malformed body after a file was written: 400, and the file is removed")
    func malformedAfterFile() async throws {
        try await withUploadDirectory { directory in
            var bytes = Self.body.bytes
            bytes.removeLast(60)  // cut inside the last parts: no closing boundary
            let error = await #expect(throws: HTTPError.self) {
                try await MultipartForm.read(from: ChunkedBody(bytes: bytes, chunkSize: 500), contentType: Self.body.contentType, limits: MultipartLimits(temporaryDirectory: directory))
            }
            #expect(error?.status == .badRequest)
            #expect(filesIn(directory).isEmpty)
        }
    }

    @Test("the Content-Type: 415 unless multipart/form-data, 400 without a valid boundary", arguments: [
        (nil, HTTPError(.unsupportedMediaType, "expected a multipart/form-data body, got no Content-Type")),
        ("multipart/mixed; boundary=b", HTTPError(.unsupportedMediaType, "expected a multipart/form-data body, got 'multipart/mixed; boundary=b'")),
        ("multipart/form-data", HTTPError(.badRequest, "the multipart/form-data Content-Type has no boundary parameter")),
        ("multipart/form-data; charset=utf-8", HTTPError(.badRequest, "the multipart/form-data Content-Type has no boundary parameter")),
        ("multipart/form-data; boundary=\"a;b\"", HTTPError(.badRequest, "invalid multipart boundary 'a;b': 1 to 70 letters, digits or '()+_,-./:=? (RFC 2046)")),
    ] as [(String?, HTTPError)])
    func contentTypes(contentType: String?, expected: HTTPError) async throws {
        let error = await #expect(throws: HTTPError.self) {
            try await MultipartForm.read(from: ChunkedBody(bytes: Self.body.bytes, chunkSize: 100), contentType: contentType)
        }
        #expect(error == expected)
    }

    @Test("a quoted boundary with spaces, in an upper-case media type")
    func quotedBoundary() async throws {
        try await withUploadDirectory { directory in
            let body = MultipartBody(boundary: "a b:c", parts: [.field("x", "1")])
            let form = try await MultipartForm.read(
                from: ChunkedBody(bytes: body.bytes, chunkSize: 3), contentType: "Multipart/Form-Data; boundary=\"a b:c\"",
                limits: MultipartLimits(temporaryDirectory: directory))
            #expect(form["x"] == "1")
        }
    }

    @Test("a 20 MiB file streamed from a lazy sequence reaches the disk intact")
    func largeFile() async throws {
        try await withUploadDirectory { directory in
            let size = 20 * 1024 * 1024
            let boundary = "large-file-boundary"
            let upload = LargeUpload(boundary: boundary, size: size)
            let form = try await MultipartForm.read(
                from: upload, contentType: "multipart/form-data; boundary=\(boundary)",
                limits: MultipartLimits(temporaryDirectory: directory))
            let file = try #require(form.file("big"))
            #expect(file.size == size)
            #expect(form["after"] == "done")
            var checksum = Checksum()
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file.path))
            while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { checksum.add(data) }
            try handle.close()
            #expect(checksum == LargeUpload.expectedChecksum(size: size))
            await form.deleteFiles()
            #expect(filesIn(directory).isEmpty)
        }
    }

    @Test("decodes into a Codable type with UploadedFile fields; files it does not hold are removed")
    func decodes() async throws {
        struct Album: Decodable {
            var title: String
            var tag: [String]
            var photos: [UploadedFile]
            var notes: UploadedFile?
            var missing: UploadedFile?
        }
        try await withUploadDirectory { directory in
            let form = try await read(Self.body, limits: MultipartLimits(temporaryDirectory: directory))
            let album = try form.decode(Album.self)
            #expect(album.title == "Holiday")
            #expect(album.tag == ["sea", "sun"])
            #expect(album.photos.map(\.filename) == ["one.jpg", "two.jpg"])
            #expect(album.notes?.filename == "notes.txt")
            #expect(album.missing == nil)
            struct Wrong: Decodable { var title: UploadedFile }
            let error = #expect(throws: DecodingError.self) { try form.decode(Wrong.self) }
            #expect(error.map(Request.describeFormError) == "invalid field 'title': expected a file, got a text field")
            await form.deleteFiles()
        }
    }
}

/// A multipart body with one `size`-byte file, generated buffer by buffer (never whole).
struct LargeUpload: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let boundary: String
    let size: Int

    /// The file repeats this pattern: pseudo-random bytes (CR, LF and `-` among them) over
    /// a prime length, so no two buffers of the body are alike.
    static let pattern: [UInt8] = {
        var state: UInt32 = 2_463_534_242
        return (0..<65_521).map { _ in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
    }()

    /// Bytes `offset..<offset + count` of the file.
    static func bytes(at offset: Int, count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var index = offset % pattern.count
        while out.count < count {
            let take = Swift.min(count - out.count, pattern.count - index)
            out += pattern[index..<(index + take)]
            index = 0
        }
        return out
    }

    static func expectedChecksum(size: Int) -> Checksum {
        var checksum = Checksum()
        var offset = 0
        while offset < size {
            let count = Swift.min(1 << 20, size - offset)
            checksum.add(bytes(at: offset, count: count))
            offset += count
        }
        return checksum
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let upload: LargeUpload
        var offset = -1  // -1: the head; size: the tail; past it: the end

        mutating func next() async -> ByteBuffer? {
            if offset == -1 {
                offset = 0
                return ByteBuffer(string: "--\(upload.boundary)\r\nContent-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\n\r\n")
            }
            if offset < upload.size {
                // Not a power of two, so delimiter checks fall across buffer edges everywhere.
                let count = Swift.min(60_000, upload.size - offset)
                defer { offset += count }
                return ByteBuffer(bytes: LargeUpload.bytes(at: offset, count: count))
            }
            guard offset == upload.size else { return nil }
            offset += 1
            return ByteBuffer(string: "\r\n--\(upload.boundary)\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\ndone\r\n--\(upload.boundary)--\r\n")
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(upload: self) }
}

/// FNV-1a (64 bits) and a byte count, computed the same way on both sides (swift-crypto is
/// not a dependency): a lost, repeated or reordered chunk changes it.
struct Checksum: Equatable {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var count = 0

    mutating func add(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { raw in
            var hash = self.hash
            for byte in raw { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            self.hash = hash
            count += raw.count
        }
    }
}
