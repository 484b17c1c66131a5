import NIOCore
import ProntoHTTP

/// A body of unknown length (a writer without `contentLength`: every JSON body) written
/// straight into the output buffer. Its head goes in front of it, and the head's size
/// depends on the body only through the decimal digits of `Content-Length`: room for the
/// head is left with the digits guessed from the connection's last such body, the body is
/// written after it, and a wrong guess moves the body by the difference (a few bytes,
/// once). It was written aside and copied in every time. Hot path.
extension HTTPConnectionHandler {
    /// Encodes `response`, whose body `writer` writes, with its head in front.
    func encodeMeasuringInPlace(
        _ response: Response, _ writer: any ResponseBodyWriter, _ slot: Pending, _ requestHead: ByteBuffer?, close: Bool, keepAlive: Bool
    ) {
        // The size with a one-digit length, which also validates the head before any write.
        let oneDigitSize: Int
        do {
            oneDigitSize = try resources.withDateCache { date in
                try ResponseEncoder.headSize(
                    status: response.status, contentType: response.contentType, headers: response.headers,
                    framing: .contentLength(0), close: close, keepAlive: keepAlive, date: date
                )
            }
        } catch {
            return encodeInternalError(error, slot, requestHead)
        }
        let guessed = oneDigitSize &- 1 &+ unknownLengthDigits
        let headStart = output.writerIndex
        // The room is left unwritten: capacity reserved, the writer index moved past it.
        output.reserveCapacity(minimumWritableBytes: guessed)
        output.moveWriterIndex(forwardBy: guessed)
        let bodyStart = output.writerIndex
        do {
            try writer.write(into: &output)
        } catch {
            output.moveWriterIndex(to: headStart)
            return encodeInternalError(error, slot, requestHead)
        }
        let length = output.writerIndex &- bodyStart
        let digits = ResponseEncoder.decimalLength(length)
        unknownLengthDigits = digits
        let size = oneDigitSize &- 1 &+ digits
        let readerIndex = output.readerIndex
        if size != guessed {
            let shift = size &- guessed
            if shift > 0 {
                output.reserveCapacity(minimumWritableBytes: shift)
                output.moveWriterIndex(forwardBy: shift)
            }
            output.withUnsafeMutableReadableBytes { bytes in
                // Bounds: the body lies at bodyStart..<bodyStart+length and moves to
                // headStart+size..<headStart+size+length; both ranges are below the writer
                // index (moved forward first when the body moves right).
                let base = bytes.baseAddress! - readerIndex
                (base + (headStart &+ size)).copyMemory(from: base + bodyStart, byteCount: length)
            }
            if shift < 0 { output.moveWriterIndex(to: headStart &+ size &+ length) }
        }
        resources.withDateCache { date in
            output.withUnsafeMutableReadableBytes { bytes in
                // Bounds: headStart..<headStart+size lies below the body, inside the readable bytes.
                let head = UnsafeMutableRawBufferPointer(rebasing: bytes[(headStart &- readerIndex)..<(headStart &- readerIndex &+ size)])
                _ = ResponseEncoder.encodeHead(
                    status: response.status, contentType: response.contentType, headers: response.headers,
                    framing: .contentLength(length), close: close, keepAlive: keepAlive, date: date, into: head
                )
            }
        }
        if close { state.finalResponseEncoded() }
    }

}
