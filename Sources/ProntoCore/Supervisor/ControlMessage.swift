#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a supervisor and its worker say to each other on their control socket: a
/// `SOCK_SEQPACKET` socket pair, so each message is one datagram of ASCII text (no framing
/// to get wrong, and either side sees the other's end close).
enum ControlMessage: Equatable, Sendable {
    /// Worker → supervisor: the server listens on the inherited socket (its startup hooks
    /// have run); the supervisor may now retire the worker it replaces.
    case ready
    /// Supervisor → worker: asks for ``statistics(requests:connections:)``.
    case statisticsRequest
    /// Worker → supervisor: requests served since it started, connections open now.
    case statistics(requests: Int, connections: Int)

    /// The message's text on the wire.
    var text: String {
        switch self {
        case .ready: "ready"
        case .statisticsRequest: "stats?"
        case .statistics(let requests, let connections): "stats \(requests) \(connections)"
        }
    }

    /// The message `text` is, or nil for anything else (ignored: a newer peer may say more).
    init?(_ text: Substring) {
        switch text {
        case "ready": self = .ready
        case "stats?": self = .statisticsRequest
        default:
            let words = text.split(separator: " ")
            guard words.count == 3, words[0] == "stats", let requests = Int(words[1]), let connections = Int(words[2]),
                  requests >= 0, connections >= 0 else { return nil }
            self = .statistics(requests: requests, connections: connections)
        }
    }

    /// Longest message on the wire; a receive buffer of this size never truncates one.
    static let maximumLength = 64

    /// Sends the message on `socket`. False when the peer is gone (or the socket is full,
    /// which a peer that reads its messages never lets happen).
    @discardableResult
    func deliver(on socket: CInt) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { buffer in
            send(socket, buffer.baseAddress, buffer.count, CInt(MSG_NOSIGNAL | MSG_DONTWAIT)) == buffer.count
        }
    }

    /// Receives one message from `socket`: `.message` (nil when unknown), `.closed` when the
    /// peer closed its end, `.wouldBlock` when none is waiting on a non-blocking socket.
    static func receive(from socket: CInt) -> Received {
        var buffer = [UInt8](repeating: 0, count: maximumLength)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            return .message(ControlMessage(Substring(decoding: buffer[..<count], as: UTF8.self)))
        }
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wouldBlock }
        return .closed
    }

    /// The outcome of ``receive(from:)``.
    enum Received: Equatable {
        case message(ControlMessage?)
        case closed
        case wouldBlock
    }
}
