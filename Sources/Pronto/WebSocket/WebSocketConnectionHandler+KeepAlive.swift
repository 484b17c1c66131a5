import NIOCore
import NIOWebSocket

extension WebSocketConnectionHandler {
    /// Pings when nothing arrived for a ping interval; fails the connection when the ping
    /// (or anything else) gets no answer within the pong timeout.
    func armPing() {
        guard let interval = configuration.pingInterval, let context else { return }
        let wait = TimeAmount(interval) - (eventLoop.now - lastReceived)
        pingTimer = context.eventLoop.scheduleTask(in: max(wait, .milliseconds(1))) { [weak self] in self?.pingDue() }
    }

    func pingDue() {
        guard state == .open, let interval = configuration.pingInterval, let context else { return }
        if eventLoop.now - lastReceived < TimeAmount(interval) { return armPing() }
        awaitingPong = true
        write(opcode: .ping, ByteBuffer(), flush: true)
        pingTimer = context.eventLoop.scheduleTask(in: TimeAmount(configuration.pongTimeout)) { [weak self] in
            guard let self, state == .open else { return }
            if awaitingPong {
                fail(.goingAway, "no answer to a ping within \(configuration.pongTimeout)", immediately: true)
            } else {
                armPing()
            }
        }
    }
}
