import Foundation
import NIOCore

/// A WebSocket extension that transforms whole messages and marks them with the RSV1 bit
/// (RFC 6455 §9; RFC 7692's permessage-deflate is one: ProntoCompression's
/// `PerMessageDeflate`). Set one in ``WebSocketConfiguration/compression``; it is used on a
/// connection only when the client offered it in the handshake and the extension accepted.
public protocol WebSocketMessageExtension: Sendable {
    /// The extension's token in `Sec-WebSocket-Extensions` (`permessage-deflate`).
    var name: String { get }

    /// Chooses among the client's offers of this extension (in the client's order of
    /// preference): the accepted parameters and the per-connection codec, or nil to decline
    /// them all (the connection then goes on without the extension).
    func accept(offers: [WebSocketExtensionOffer]) -> WebSocketExtensionAcceptance?
}

/// One offer of an extension in a client's `Sec-WebSocket-Extensions`: its parameters, in
/// order (`client_max_window_bits` alone has a nil value).
public struct WebSocketExtensionOffer: Sendable, Equatable {
    /// The parameters offered, in order.
    public var parameters: [Parameter]

    /// One extension parameter: `client_max_window_bits=10`, or a bare name.
    public struct Parameter: Sendable, Equatable {
        /// The parameter's name.
        public var name: String
        /// Its value, nil for a bare name.
        public var value: String?

        /// A parameter `name`, with `value` or bare.
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// An offer with these parameters.
    public init(parameters: [Parameter]) {
        self.parameters = parameters
    }

    /// The offers of `name` in `Sec-WebSocket-Extensions` header values (RFC 6455 §9.1:
    /// `name; param; param=value, other`), in order. Quoted values are unquoted.
    public static func parse(_ headerValues: [String], name: String) -> [WebSocketExtensionOffer] {
        var offers: [WebSocketExtensionOffer] = []
        for value in headerValues {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let token = parts.first, token.lowercased() == name else { continue }
                let parameters = parts.dropFirst().filter { !$0.isEmpty }.map { part -> Parameter in
                    guard let equals = part.firstIndex(of: "=") else { return Parameter(name: part.lowercased()) }
                    var value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                    if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                    return Parameter(name: part[..<equals].trimmingCharacters(in: .whitespaces).lowercased(), value: value)
                }
                offers.append(WebSocketExtensionOffer(parameters: parameters))
            }
        }
        return offers
    }
}

/// An accepted extension: what the 101 says, and how each connection gets its codec.
public struct WebSocketExtensionAcceptance: Sendable {
    /// The `Sec-WebSocket-Extensions` value of the 101 (`permessage-deflate; server_no_context_takeover`).
    public var response: String
    /// Makes the connection's codec (it keeps the compression context between messages).
    public var makeCodec: @Sendable () throws -> any WebSocketMessageCodec

    /// An accepted offer: `response` is the extension's part of the `Sec-WebSocket-Extensions` answer, `makeCodec` makes the connection's codec.
    public init(response: String, makeCodec: @escaping @Sendable () throws -> any WebSocketMessageCodec) {
        self.response = response
        self.makeCodec = makeCodec
    }
}

/// The per-connection side of a ``WebSocketMessageExtension``: used on the connection's
/// event loop only, one message at a time.
public protocol WebSocketMessageCodec: AnyObject {
    /// Decodes a message that arrived with RSV1 set (its fragments joined).
    ///
    /// - Throws: ``WebSocketCodecError/tooLarge`` when the result would exceed `maxSize`
    ///   bytes (closed with 1009: a small compressed message must not inflate without bound),
    ///   ``WebSocketCodecError/invalid(_:)`` for data that cannot be decoded (closed with 1007).
    func decode(_ payload: ByteBuffer, maxSize: Int, allocator: ByteBufferAllocator) throws -> ByteBuffer
    /// Encodes a message to send: the payload to send with RSV1 set, or nil to send the
    /// message as it is (a message too small to gain from it, say).
    func encode(_ payload: ByteBuffer, allocator: ByteBufferAllocator) throws -> ByteBuffer?
}

/// Why a ``WebSocketMessageCodec`` could not decode a message.
public enum WebSocketCodecError: Error, Equatable {
    /// The decoded message would exceed the size limit.
    case tooLarge
    /// The payload is not valid for the extension (corrupt compressed data).
    case invalid(String)
}
