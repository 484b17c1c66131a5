import NIOCore

/// Drives a ``MultipartParser`` over an async body: text fields are gathered in memory,
/// file parts are written to temporary files as their bytes arrive, limits are enforced as
/// bytes are counted. The next buffer is not asked for until the current one is on disk,
/// so a slow disk slows the client down instead of filling memory.
struct MultipartFormReader {
    /// The part being read.
    private enum Part {
        case field(name: String, value: ByteBuffer)
        /// A file; its temporary file is created with its first byte, so a file input left
        /// empty (`filename=""`, no bytes) costs nothing and yields no file.
        case file(MultipartPartHead, writer: TemporaryFileWriter?)
    }

    let limits: MultipartLimits
    private var parser: MultipartParser
    private var part: Part?
    private var fields: [(name: String, value: String)] = []
    private var files: [UploadedFile] = []
    private var totalSize = 0
    private var partCount = 0

    init(delimiter: MultipartDelimiter, limits: MultipartLimits) {
        self.limits = limits
        parser = MultipartParser(delimiter: delimiter, maxHeaderSize: limits.maxHeaderSize)
    }

    /// Reads `body` to its end. On any error, the files of this body are removed before it
    /// is thrown: the caller got no ``UploadedFile`` to own them.
    mutating func read<Body: AsyncSequence>(_ body: Body) async throws -> MultipartForm where Body.Element == ByteBuffer {
        do {
            // The epilogue after the closing delimiter is read too (and ignored): a body
            // stream must be drained for the connection to go on with the next request.
            for try await chunk in body {
                totalSize += chunk.readableBytes
                guard totalSize <= limits.maxTotalSize else {
                    throw HTTPError(.contentTooLarge, "the multipart body is larger than \(limits.maxTotalSize) bytes")
                }
                parser.append(chunk)
                while let event = try parser.next() {
                    try await handle(event)
                }
            }
            try parser.finish()
            return MultipartForm(fields: fields, files: files)
        } catch {
            await discard()
            throw error
        }
    }

    private mutating func handle(_ event: MultipartParser.Event) async throws {
        switch event {
        case .partStart(let head):
            partCount += 1
            guard partCount <= limits.maxParts else {
                throw HTTPError(.contentTooLarge, "the multipart body has more than \(limits.maxParts) parts")
            }
            part = head.filename == nil ? .field(name: head.name, value: ByteBuffer()) : .file(head, writer: nil)

        case .bodyChunk(let bytes):
            switch part {
            case .field(let name, var value):
                guard value.readableBytes + bytes.readableBytes <= limits.maxFieldSize else {
                    throw HTTPError(.contentTooLarge, "the field '\(name.prefix(100))' is larger than \(limits.maxFieldSize) bytes")
                }
                part = nil  // lets `value` be appended to in place rather than copied
                value.writeImmutableBuffer(bytes)
                part = .field(name: name, value: value)
            case .file(let head, var writer):
                if writer == nil { writer = try await TemporaryFileWriter.create(in: limits.temporaryDirectory) }
                part = .file(head, writer: writer)  // owned here, so an error below still closes it
                guard writer!.size + bytes.readableBytes <= limits.maxFileSize else {
                    throw HTTPError(.contentTooLarge, "the file '\(head.name.prefix(100))' is larger than \(limits.maxFileSize) bytes")
                }
                part = nil  // lets the writer's pending buffer grow in place
                do {
                    try await writer!.write(bytes)
                } catch {
                    part = .file(head, writer: writer)
                    throw error
                }
                part = .file(head, writer: writer)
            case nil:
                preconditionFailure("MultipartParser gave body bytes outside a part")
            }

        case .partEnd:
            let ended = part
            part = nil
            switch ended {
            case .field(let name, let value):
                fields.append((name, String(buffer: value)))
            case .file(let head, var writer):
                let filename = head.filename ?? ""
                if writer == nil, filename.isEmpty { return }  // an empty file input: nothing chosen
                if writer == nil { writer = try await TemporaryFileWriter.create(in: limits.temporaryDirectory) }
                do {
                    try await writer!.close()  // closes the descriptor even when it throws
                } catch {
                    await writer!.file.remove()
                    throw error
                }
                files.append(UploadedFile(
                    name: head.name, filename: filename, contentType: head.contentType ?? "application/octet-stream",
                    size: writer!.size, storage: writer!.file))
            case nil:
                preconditionFailure("MultipartParser ended a part that did not start")
            }

        case .end:
            break
        }
    }

    /// Closes and removes the file being written and the files written.
    private mutating func discard() async {
        if case .file(_, let writer?) = part {
            await writer.abandon()
            await writer.file.remove()
        }
        part = nil
        for file in files { await file.delete() }
        files = []
    }
}
