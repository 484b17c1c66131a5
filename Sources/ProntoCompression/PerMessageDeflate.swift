import CompressNIO
import NIOCore
import Pronto

/// WebSocket compression, RFC 7692's permessage-deflate: each message deflated on its own,
/// with the compression context kept between messages unless a side asks otherwise.
///
/// ```swift
/// app.webSocket("/feed", configuration: WebSocketConfiguration(compression: PerMessageDeflate())) { request, ws in
///     try await ws.send(text: String(repeating: "compressible ", count: 100))
/// }
/// ```
/// Used with the clients that offer it (browsers do). Inflated messages are bounded by
/// `WebSocketConfiguration/maxMessageSize`: a small message that inflates past it closes
/// the connection with 1009 (a zip bomb costs the server that much memory at most).
///
/// Memory: zlib's state is made at a connection's first compressed message each way and
/// kept for the connection's life: a compressor takes about 256 KiB with
/// `serverMaxWindowBits` 15 (160 KiB at 13), a decompressor about 44 KiB with the client's
/// 15-bit window. For many busy connections, lower `serverMaxWindowBits` and raise
/// `minimumSize`.
public struct PerMessageDeflate: WebSocketMessageExtension {
    /// `permessage-deflate`, as negotiated.
    public var name: String { "permessage-deflate" }
    /// The compression level of sent messages.
    public var level: CompressionLevel
    /// Messages shorter than this are sent uncompressed (the extension allows it per
    /// message): a few bytes cannot gain, and deflating them costs time.
    public var minimumSize: Int
    /// The largest window the server compresses with (9...15; a client may ask for less).
    public var serverMaxWindowBits: Int
    /// Start each sent message with an empty context (less memory, less compression).
    public var serverNoContextTakeover: Bool
    /// Ask clients to do the same for the messages they send (`client_no_context_takeover`),
    /// so the server's decompressor keeps no context between messages.
    public var requestClientNoContextTakeover: Bool

    /// The extension compressing at `level` the messages of at least `minimumSize` bytes, with the window and context-takeover parameters it negotiates.
    public init(
        level: CompressionLevel = .fastest, minimumSize: Int = 64, serverMaxWindowBits: Int = 15,
        serverNoContextTakeover: Bool = false, requestClientNoContextTakeover: Bool = false
    ) {
        self.level = level
        self.minimumSize = minimumSize
        self.serverMaxWindowBits = min(max(serverMaxWindowBits, 9), 15)
        self.serverNoContextTakeover = serverNoContextTakeover
        self.requestClientNoContextTakeover = requestClientNoContextTakeover
    }

    /// RFC 7692 §7.1: takes the first offer whose parameters are all known, valid and not
    /// repeated, and answers with what both sides will do.
    public func accept(offers: [WebSocketExtensionOffer]) -> WebSocketExtensionAcceptance? {
        for offer in offers {
            guard let agreement = agree(to: offer) else { continue }
            let settings = PerMessageDeflateCodec.Settings(
                level: level, minimumSize: minimumSize, serverWindowBits: agreement.serverWindowBits,
                serverNoContextTakeover: agreement.serverNoContextTakeover, clientWindowBits: agreement.clientWindowBits,
                clientNoContextTakeover: agreement.clientNoContextTakeover
            )
            return WebSocketExtensionAcceptance(response: agreement.response) { try PerMessageDeflateCodec(settings) }
        }
        return nil
    }

    struct Agreement {
        var serverWindowBits = 15
        var serverNoContextTakeover = false
        var clientWindowBits = 15
        var clientNoContextTakeover = false
        var response = "permessage-deflate"
    }

    func agree(to offer: WebSocketExtensionOffer) -> Agreement? {
        var agreement = Agreement()
        var seen: Set<String> = []
        var clientMaxWindowBitsOffered = false
        var offeredServerBits: Int?
        for parameter in offer.parameters {
            guard seen.insert(parameter.name).inserted else { return nil }
            switch parameter.name {
            case "server_no_context_takeover":
                guard parameter.value == nil else { return nil }
                agreement.serverNoContextTakeover = true
            case "client_no_context_takeover":
                guard parameter.value == nil else { return nil }
                agreement.clientNoContextTakeover = true
            case "server_max_window_bits":
                guard let text = parameter.value, let bits = Int(text), (8...15).contains(bits) else { return nil }
                // zlib cannot deflate with an 8-bit raw window: decline this offer.
                if bits == 8 { return nil }
                offeredServerBits = bits
            case "client_max_window_bits":
                if let text = parameter.value {
                    guard let bits = Int(text), (8...15).contains(bits) else { return nil }
                    // zlib inflates a stream from an 8-bit window with a 9-bit one.
                    agreement.clientWindowBits = max(bits, 9)
                }
                clientMaxWindowBitsOffered = true
            default:
                return nil
            }
        }
        agreement.serverWindowBits = min(offeredServerBits ?? 15, serverMaxWindowBits)
        agreement.serverNoContextTakeover = agreement.serverNoContextTakeover || serverNoContextTakeover
        agreement.clientNoContextTakeover = agreement.clientNoContextTakeover || requestClientNoContextTakeover
        if agreement.serverNoContextTakeover { agreement.response += "; server_no_context_takeover" }
        if agreement.clientNoContextTakeover { agreement.response += "; client_no_context_takeover" }
        if offeredServerBits != nil || agreement.serverWindowBits < 15 {
            agreement.response += "; server_max_window_bits=\(agreement.serverWindowBits)"
        }
        if clientMaxWindowBitsOffered, agreement.clientWindowBits < 15 {
            agreement.response += "; client_max_window_bits=\(agreement.clientWindowBits)"
        }
        return agreement
    }
}
