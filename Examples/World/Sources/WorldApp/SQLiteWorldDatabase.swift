import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// The World tables in an embedded SQLite file: the default when no `DATABASE_URL` is
/// given, so the example runs on a machine with nothing installed.
///
/// SQLite's calls block, so sqlite-nio runs them on a thread pool and the answer comes
/// back to the request's task: a thread hop PostgreSQL avoids, acceptable for the default.
/// One connection serves all loops (SQLite serialises it); each request is one statement,
/// so requests never interleave inside a transaction.
public final class SQLiteWorldDatabase: WorldDatabase {
    public var systemName: String { "sqlite" }

    private let connection: SQLiteConnection
    private let threadPool: NIOThreadPool
    /// The file to delete on close (a temp database this instance created).
    private let temporaryPath: String?

    private init(connection: SQLiteConnection, threadPool: NIOThreadPool, temporaryPath: String?) {
        self.connection = connection
        self.threadPool = threadPool
        self.temporaryPath = temporaryPath
    }

    /// Opens the database at `path` (a new temp file when nil, deleted on ``close()``),
    /// creating and seeding the tables when they do not exist yet.
    public static func open(path: String? = nil, logger: Logger) async throws -> SQLiteWorldDatabase {
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let file = path ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("pronto-world-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite")
        do {
            let connection = try await SQLiteConnection.open(
                storage: .file(path: file), threadPool: threadPool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            )
            let database = SQLiteWorldDatabase(connection: connection, threadPool: threadPool, temporaryPath: path == nil ? file : nil)
            try await database.createAndSeedIfNeeded(logger: logger)
            return database
        } catch {
            try? await threadPool.shutdownGracefully()
            throw SQLiteOpenError(path: file, underlying: error)
        }
    }

    private func createAndSeedIfNeeded(logger: Logger) async throws {
        _ = try await connection.query("PRAGMA journal_mode = WAL")
        let tables = try await connection.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('world', 'fortune')")
        if tables.count == 2 { return }
        logger.info("creating and seeding the World and Fortune tables")
        _ = try await connection.query("CREATE TABLE IF NOT EXISTS world (id INTEGER PRIMARY KEY, randomnumber INTEGER NOT NULL DEFAULT 0)")
        _ = try await connection.query("CREATE TABLE IF NOT EXISTS fortune (id INTEGER PRIMARY KEY, message TEXT NOT NULL)")
        _ = try await connection.query("DELETE FROM world")
        _ = try await connection.query("DELETE FROM fortune")
        _ = try await connection.query("""
            WITH RECURSIVE ids(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM ids WHERE id < \(World.rowCount))
            INSERT INTO world (id, randomnumber) SELECT id, abs(random() % \(World.rowCount)) + 1 FROM ids
            """)
        let placeholders = Fortune.seed.map { _ in "(?, ?)" }.joined(separator: ", ")
        let binds = Fortune.seed.flatMap { [SQLiteData.integer(Int($0.id)), .text($0.message)] }
        _ = try await connection.query("INSERT INTO fortune (id, message) VALUES \(placeholders)", binds)
    }

    public func world(id: Int32, on eventLoop: any EventLoop) async throws -> World {
        let rows = try await connection.query("SELECT id, randomnumber FROM world WHERE id = ?", [.integer(Int(id))])
        guard let row = rows.first, let id = row.column("id")?.integer, let number = row.column("randomnumber")?.integer else {
            throw WorldNotFound(id: id)
        }
        return World(id: Int32(id), randomNumber: Int32(number))
    }

    public func worlds(ids: [Int32], on eventLoop: any EventLoop) async throws -> [World] {
        var worlds: [World] = []
        worlds.reserveCapacity(ids.count)
        for id in ids { worlds.append(try await world(id: id, on: eventLoop)) }
        return worlds
    }

    public func update(_ worlds: [World], on eventLoop: any EventLoop) async throws {
        guard !worlds.isEmpty else { return }
        // One statement for the batch (UPDATE ... FROM, SQLite 3.33+).
        let values = worlds.map { _ in "(?, ?)" }.joined(separator: ", ")
        let binds = worlds.flatMap { [SQLiteData.integer(Int($0.id)), .integer(Int($0.randomNumber))] }
        _ = try await connection.query(
            "UPDATE world SET randomnumber = v.column2 FROM (VALUES \(values)) AS v WHERE world.id = v.column1", binds
        )
    }

    public func fortunes(on eventLoop: any EventLoop) async throws -> [Fortune] {
        try await connection.query("SELECT id, message FROM fortune").map { row in
            Fortune(id: Int32(row.column("id")?.integer ?? 0), message: row.column("message")?.string ?? "")
        }
    }

    public func close() async {
        try? await connection.close()
        try? await threadPool.shutdownGracefully()
        if let temporaryPath {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporaryPath + suffix) }
        }
    }
}

/// The SQLite file could not be opened or seeded.
public struct SQLiteOpenError: Error, CustomStringConvertible {
    public let path: String
    public let underlying: any Error
    public var description: String {
        "cannot open the SQLite database at \(path): \(underlying) (give a writable path with --sqlite PATH or WORLD_SQLITE_PATH)"
    }
}
