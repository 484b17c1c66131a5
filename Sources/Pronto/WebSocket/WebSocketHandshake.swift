import Foundation

/// The opening handshake (RFC 6455 §4.2): which requests may become WebSockets, and the
/// `Sec-WebSocket-Accept` value of the 101 that says yes.
enum WebSocketHandshake {
    /// The GUID every server appends to the client's key (RFC 6455 §1.3).
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The accept value for `request`'s key, or the response refusing it: 426 (with the
    /// headers that say what to send) for a request that does not ask for WebSocket 13,
    /// 400 for a malformed one.
    static func check(_ request: Request) -> Result<String, HandshakeRefusal> {
        guard request.version.isAtLeast1_1 else {
            return .failure(HandshakeRefusal(.badRequest, "WebSocket needs HTTP/1.1"))
        }
        guard request.head.connectionUpgrade, hasToken("websocket", in: request.headers(named: "upgrade")) else {
            return .failure(HandshakeRefusal(
                .upgradeRequired, "this route speaks WebSocket: send Upgrade: websocket and Connection: Upgrade",
                headers: ["Upgrade": "websocket", "Connection": "Upgrade"]
            ))
        }
        guard request.headers(named: "sec-websocket-version") == ["13"] else {
            return .failure(HandshakeRefusal(
                .upgradeRequired, "unsupported WebSocket version: send Sec-WebSocket-Version: 13", headers: ["Sec-WebSocket-Version": "13"]
            ))
        }
        let keys = request.headers(named: "sec-websocket-key")
        guard keys.count == 1, let key = keys.first?.trimmingCharacters(in: .whitespaces),
            let nonce = Data(base64Encoded: key), nonce.count == 16
        else {
            return .failure(HandshakeRefusal(.badRequest, "Sec-WebSocket-Key must be one base64-encoded 16-byte value"))
        }
        return .success(acceptValue(forKey: key))
    }

    /// base64(SHA-1(key + GUID)).
    static func acceptValue(forKey key: String) -> String {
        Data(SHA1.hash(Array((key + guid).utf8))).base64EncodedString()
    }

    /// Whether a comma-separated header (any of its lines) lists `token`, case-insensitively.
    static func hasToken(_ token: String, in values: [String]) -> Bool {
        values.contains { line in
            line.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == token }
        }
    }
}

/// A handshake that cannot succeed, answered with `status` and a short reason.
struct HandshakeRefusal: Error {
    let response: Response

    init(_ status: HTTPStatus, _ reason: String, headers: HTTPFields = [:]) {
        response = Response(status: status, contentType: "text/plain; charset=utf-8", headers: headers, body: .string(reason + "\n"))
    }
}
