import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The World tables in PostgreSQL, through PostgresNIO with prepared statements and one
/// connection pool per event loop (``PostgresLoopPool``): a request's queries run on
/// connections of the loop that serves its HTTP connection.
public final class PostgresWorldDatabase: WorldDatabase {
    public var systemName: String { "postgresql" }

    private let configuration: PostgresConnection.Configuration
    private let connectionsPerLoop: Int
    private let logger: Logger
    private let pools = NIOLockedValueBox([ObjectIdentifier: PostgresLoopPool]())
    private let connectionIDs = NIOLockedValueBox(0)

    /// - Parameters:
    ///   - configuration: where and how to connect (see ``DatabaseURL``).
    ///   - connectionsPerLoop: the most connections each event loop opens.
    public init(configuration: PostgresConnection.Configuration, connectionsPerLoop: Int = 8, logger: Logger) {
        precondition(connectionsPerLoop > 0, "connectionsPerLoop must be at least 1")
        self.configuration = configuration
        self.connectionsPerLoop = connectionsPerLoop
        self.logger = logger
    }

    /// The pool of `eventLoop`, made on first use.
    private func pool(for eventLoop: any EventLoop) -> PostgresLoopPool {
        let key = ObjectIdentifier(eventLoop)
        return pools.withLockedValue { pools in
            if let pool = pools[key] { return pool }
            let pool = PostgresLoopPool(
                eventLoop: eventLoop, configuration: configuration, size: connectionsPerLoop, logger: logger, ids: connectionIDs
            )
            pools[key] = pool
            return pool
        }
    }

    /// The event loops of the connections `eventLoop`'s pool holds (for tests).
    func connectionEventLoops(for eventLoop: any EventLoop) -> [any EventLoop] {
        pool(for: eventLoop).connectionEventLoops
    }

    public func world(id: Int32, on eventLoop: any EventLoop) async throws -> World {
        try await pool(for: eventLoop).withConnection { connection in
            try await Self.select(id, on: connection, logger: logger)
        }
    }

    public func worlds(ids: [Int32], on eventLoop: any EventLoop) async throws -> [World] {
        try await pool(for: eventLoop).withConnection { connection in
            var worlds: [World] = []
            worlds.reserveCapacity(ids.count)
            for id in ids {
                worlds.append(try await Self.select(id, on: connection, logger: logger))
            }
            return worlds
        }
    }

    private static func select(_ id: Int32, on connection: PostgresConnection, logger: Logger) async throws -> World {
        for try await (id, randomNumber) in try await connection.execute(SelectWorld(id: id), logger: logger) {
            return World(id: id, randomNumber: randomNumber)
        }
        throw WorldNotFound(id: id)
    }

    public func update(_ worlds: [World], on eventLoop: any EventLoop) async throws {
        let sorted = worlds.sorted { $0.id < $1.id }
        let statement = UpdateWorlds(ids: sorted.map(\.id), randomNumbers: sorted.map(\.randomNumber))
        try await pool(for: eventLoop).withConnection { connection in
            _ = try await connection.execute(statement, logger: logger)
        }
    }

    public func fortunes(on eventLoop: any EventLoop) async throws -> [Fortune] {
        try await pool(for: eventLoop).withConnection { connection in
            var fortunes: [Fortune] = []
            fortunes.reserveCapacity(16)
            for try await (id, message) in try await connection.execute(SelectFortunes(), logger: logger) {
                fortunes.append(Fortune(id: id, message: message))
            }
            return fortunes
        }
    }

    public func close() async {
        let pools = self.pools.withLockedValue { Array($0.values) }
        for pool in pools { await pool.close() }
    }
}

/// A World id with no row: the table lacks TechEmpower's data (a 500, logged).
public struct WorldNotFound: Error, CustomStringConvertible {
    public let id: Int32
    public var description: String { "no World row with id \(id): is the table seeded with ids 1...10000?" }
}
