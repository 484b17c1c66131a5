import NIOCore
import ProntoHTTP

/// The request whose body is arriving in later reads (while the connection's input state is
/// `.body`): its head, kept for the dispatch once the body is complete, the body so far and
/// the chunked decoder.
///
/// A separate object, made for each such body and dropped when it ends, rather than fields
/// of the connection: most requests never need it (a GET, or a body that arrived with its
/// head, which is sliced out of the input), and its 260 bytes would be in every idle
/// connection. A body that arrives in pieces allocates its buffer anyway.
final class ArrivingBody {
    var head: RequestHead
    var headBytes: ByteBuffer
    /// The body so far, when it is collected (empty when it streams or is discarded).
    var bytes: ByteBuffer
    var chunkedDecoder: ChunkedBodyDecoder
    /// `100 Continue` was sent for it.
    var sentContinue = false

    init(head: RequestHead, headBytes: ByteBuffer, bytes: ByteBuffer, chunkedDecoder: ChunkedBodyDecoder) {
        self.head = head
        self.headBytes = headBytes
        self.bytes = bytes
        self.chunkedDecoder = chunkedDecoder
    }
}
