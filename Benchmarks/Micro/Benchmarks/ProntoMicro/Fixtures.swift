// The bytes the benchmarks work on. Built once, outside every measurement.

/// What wrk sends in TechEmpower's plaintext test: the request line and the six headers
/// of the TFB wrk script (Host, User-Agent, Cookie, Accept, Accept-Language, Connection).
let techEmpowerRequest: [UInt8] = Array(
    (
        "GET /plaintext HTTP/1.1\r\n"
            + "Host: tfb-server:8080\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20130501 Firefox/30.0 AppleWebKit/600.00 Chrome/30.0.0000.0 Trident/10.0 Safari/600.00\r\n"
            + "Cookie: uid=12345678901234567890; __utma=1.1234567890.1234567890.1234567890.1234567890.12; wd=2560x1600\r\n"
            + "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n"
    ).utf8)

/// A navigation request from a current Chrome: 15 headers, a query, client hints,
/// fetch metadata and a session cookie.
let browserRequest: [UInt8] = Array(
    (
        "GET /products/4711?ref=home HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "Connection: keep-alive\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
            + "sec-ch-ua-mobile: ?0\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Referer: https://shop.example.com/\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Cookie: session=3f9a1c2e7b4d4e0f9a8b7c6d5e4f3a2b; _ga=GA1.1.123456789.1700000000\r\n"
            + "\r\n"
    ).utf8)

/// Size of the chunked body and of each chunk.
let chunkedBodySize = 4096
let chunkSize = 256

/// A 4 KiB body as 16 chunks of 256 bytes (`100\r\n` + data + `\r\n`), then `0\r\n\r\n`.
let chunkedBody: [UInt8] = {
    var bytes: [UInt8] = []
    for chunk in 0..<(chunkedBodySize / chunkSize) {
        bytes += Array(String(chunkSize, radix: 16).utf8) + [13, 10]
        bytes += (0..<chunkSize).map { UInt8(ascii: "a") + UInt8((chunk + $0) % 26) }
        bytes += [13, 10]
    }
    bytes += Array("0\r\n\r\n".utf8)
    return bytes
}()

/// The plaintext response body.
let helloWorld = "Hello, World!"
