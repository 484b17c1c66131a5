// A fixed corpus of request heads, valid and invalid, shared by the incremental-parsing
// and scanner tests: every rule of RFC 9112 the parser checks has at least one entry,
// and some lines are long enough to cross the SIMD block sizes.

let requestCorpus: [String] = {
    let long = String(repeating: "abcdefghijklmnopqrstuvwxyz0123456789", count: 7)
    var corpus: [String] = [
        // Valid.
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: server\r\nAccept: text/plain,text/html;q=0.9\r\nConnection: keep-alive\r\n\r\n",
        "POST /json?x=1&y=2 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n",
        "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        "\r\n\r\nGET /after-empty-lines HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
        "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-Spaces: \t padded value \t \r\nX-Empty:\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-Obs: caf\u{E9} \u{1F600}\r\n\r\n",
        "GET /\(long)?\(long) HTTP/1.1\r\nHost: a\r\nX-Long: \(long)\r\nX-Tab:\t\(long)\t\(long)\r\n\r\n",
        "PURGE /cache HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
        // Invalid.
        "G@T / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "GET / HTTP/0.9\r\n\r\n",
        "GET / HTTP/1.x\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A : x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: one\rtwo\r\n\r\n",
        "GET / HTTP/1.1\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: \(long)\nX-B: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: \(long)\u{0}\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: \(long)\u{7F}\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: the-unexpected\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n",
        "GET /\(String(repeating: "x", count: 8200)) HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "y", count: 16400))\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "A: b\r\n", count: 101) + "\r\n",
        // Incomplete: the whole input is a prefix of a head.
        "GET / HTTP/1.1\r\nHost: a\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n\r",
        "GET /partial",
    ]
    // Every control byte in a field value, and in the request line.
    for control in [0x01, 0x09, 0x0B, 0x1F] {
        let c = String(Character(Unicode.Scalar(UInt8(control))))
        corpus.append("GET / HTTP/1.1\r\nHost: a\r\nX-C: a\(c)b\r\n\r\n")
        corpus.append("GET /\(c) HTTP/1.1\r\nHost: a\r\n\r\n")
    }
    return corpus
}()
