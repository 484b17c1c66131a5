import ProntoCore

/// The `date` header's value for one connection's responses, as a `String` made once a
/// second from the loop's Date cache (HPACK takes `String`s; making one per response
/// would allocate each time: the value is 29 bytes, past Swift's inline strings).
/// Loop-confined, like the cache it reads.
final class HTTP2DateHeader {
    private let cache: DateCache
    private var second = Int.min
    private var value = ""

    init(cache: DateCache) {
        self.cache = cache
    }

    /// The current value (`Sun, 06 Nov 1994 08:49:37 GMT`).
    var current: String {
        cache.refresh()
        if cache.second != second {
            second = cache.second
            // The line is `Date: ` + 29 bytes + CRLF.
            value = String(decoding: cache.lineBytes[6..<35], as: UTF8.self)
        }
        return value
    }
}
