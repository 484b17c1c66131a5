import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The PostgreSQL connections of one event loop: they live on that loop, so a handler
/// running there (as Pronto's async handlers do) sends its query and gets the rows back
/// without changing thread.
///
/// Connections open lazily, up to `size`: a request takes the connection with the fewest
/// queries in flight, and a new one opens only when every open one is busy. Closed
/// connections are dropped when next seen; when none is left, the next request connects
/// again, so the pool recovers by itself when the database comes back. One connection
/// attempt runs at a time; requests that arrive meanwhile wait for it and share its fate.
final class PostgresLoopPool: Sendable {
    let eventLoop: any EventLoop
    private let configuration: PostgresConnection.Configuration
    private let size: Int
    private let logger: Logger
    private let nextID: NIOLockedValueBox<Int>
    // Only this loop's thread takes the lock, so it is never contended: it is there to
    // keep the pool sound even if a caller is elsewhere.
    private let state = NIOLockedValueBox(State())

    private struct Entry {
        let connection: PostgresConnection
        var inFlight: Int
    }

    private struct State {
        var entries: [Entry] = []
        var connecting: EventLoopFuture<PostgresConnection>?
        var closed = false
    }

    private enum Lease {
        case ready(PostgresConnection)
        case wait(EventLoopFuture<PostgresConnection>)
        case connect(EventLoopPromise<PostgresConnection>)
        case closed
    }

    init(eventLoop: any EventLoop, configuration: PostgresConnection.Configuration, size: Int, logger: Logger, ids: NIOLockedValueBox<Int>) {
        precondition(size > 0, "a connection pool needs at least one connection")
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.size = size
        self.logger = logger
        self.nextID = ids
    }

    /// Runs `body` with a connection of this loop, counted as busy meanwhile.
    func withConnection<R>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        let connection = try await lease()
        defer { release(connection) }
        do {
            return try await body(connection)
        } catch {
            throw DatabaseErrors.classify(error)
        }
    }

    private func lease() async throws -> PostgresConnection {
        let lease: Lease = state.withLockedValue { state in
            if state.closed { return .closed }
            state.entries.removeAll { $0.connection.isClosed }
            var best: Int?
            for index in state.entries.indices where best == nil || state.entries[index].inFlight < state.entries[best!].inFlight {
                best = index
            }
            if let best, state.entries[best].inFlight == 0 || state.entries.count >= size || state.connecting != nil {
                state.entries[best].inFlight += 1
                return .ready(state.entries[best].connection)
            }
            if let connecting = state.connecting { return .wait(connecting) }
            let promise = eventLoop.makePromise(of: PostgresConnection.self)
            state.connecting = promise.futureResult
            return .connect(promise)
        }
        switch lease {
        case .ready(let connection):
            return connection
        case .closed:
            throw DatabaseUnavailable("the server is shutting down")
        case .wait(let future):
            _ = try await Self.awaitConnect(future)
            return try await self.lease()
        case .connect(let promise):
            let id = nextID.withLockedValue { id in
                id += 1
                return id
            }
            let logger = self.logger
            PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger)
                .always { result in
                    if case .failure(let error) = result {
                        logger.warning("cannot connect to PostgreSQL", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                .cascade(to: promise)
            let result = await Result(catching: { try await Self.awaitConnect(promise.futureResult) })
            let closeNow: PostgresConnection? = state.withLockedValue { state in
                state.connecting = nil
                guard case .success(let connection) = result else { return nil }
                if state.closed { return connection }
                state.entries.append(Entry(connection: connection, inFlight: 1))
                return nil
            }
            if let closeNow {
                try? await closeNow.close()
                throw DatabaseUnavailable("the server is shutting down")
            }
            return try result.get()
        }
    }

    private static func awaitConnect(_ future: EventLoopFuture<PostgresConnection>) async throws -> PostgresConnection {
        do {
            return try await future.get()
        } catch {
            throw DatabaseErrors.classify(error, connecting: true)
        }
    }

    private func release(_ connection: PostgresConnection) {
        state.withLockedValue { state in
            if let index = state.entries.firstIndex(where: { $0.connection === connection }) {
                state.entries[index].inFlight -= 1
            }
        }
    }

    /// Closes every connection; later leases fail with ``DatabaseUnavailable``.
    func close() async {
        let connections = state.withLockedValue { state in
            state.closed = true
            defer { state.entries = [] }
            return state.entries.map(\.connection)
        }
        for connection in connections { try? await connection.close() }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension PostgresLoopPool {
    /// The event loops of the open connections (for tests: they must all be this pool's).
    var connectionEventLoops: [any EventLoop] {
        state.withLockedValue { $0.entries.map(\.connection.eventLoop) }
    }
}
