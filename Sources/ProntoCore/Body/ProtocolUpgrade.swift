import NIOCore

/// What a connection becomes after a `101 Switching Protocols` response (RFC 9110 §15.2.2):
/// the handlers of the new protocol, added to the channel's pipeline once the 101 is written.
///
/// ```swift
/// // A request with `Connection: upgrade` and `Upgrade: echo`:
/// var response = Response(status: .switchingProtocols, headers: ["Upgrade": "echo", "Connection": "Upgrade"])
/// response.body = .upgrade(ProtocolUpgrade { channel in
///     try channel.pipeline.syncOperations.addHandler(EchoHandler())
/// })
/// ```
/// The engine takes no request after one that asks to upgrade until its response is known:
/// a 101 with an upgrade hands the connection over (the bytes the client sent after the
/// request go to the new handlers, never parsed as HTTP); any other response lets HTTP go
/// on. Responses owed before the upgrade are written first. After the hand-off the engine
/// has left the pipeline; the new handlers own the connection, its timeouts and its close,
/// and receive `ChannelShouldQuiesceEvent` when the server shuts down.
public struct ProtocolUpgrade: Sendable {
    let install: @Sendable (any Channel) throws -> Void

    /// An upgrade whose `install` adds the new protocol's handlers to the channel's pipeline
    /// (it runs on the channel's event loop; use `channel.pipeline.syncOperations`). A thrown
    /// error closes the connection.
    public init(_ install: @escaping @Sendable (any Channel) throws -> Void) {
        self.install = install
    }
}

/// A ``ProtocolUpgrade`` that cannot be carried out: the response is answered with a 500.
struct InvalidUpgrade: Error, CustomStringConvertible {
    let status: Int
    let requested: Bool

    var description: String {
        if !requested {
            return "a ProtocolUpgrade body answers only a request that asks to upgrade (Connection: upgrade and an Upgrade header)"
        }
        return "a ProtocolUpgrade body needs status 101 Switching Protocols, not \(status)"
    }
}
