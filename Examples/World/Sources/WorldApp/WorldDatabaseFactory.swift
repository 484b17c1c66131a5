import Logging

/// Picks the database the way the example documents: PostgreSQL when a `DATABASE_URL` is
/// given, else an embedded SQLite file.
public enum WorldDatabaseFactory {
    /// - Parameters:
    ///   - databaseURL: `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (see ``DatabaseURL``).
    ///   - sqlitePath: the SQLite file when there is no URL (a temp file when nil).
    ///   - connectionsPerLoop: PostgreSQL connections each event loop may open.
    public static func open(
        databaseURL: String?, sqlitePath: String?, connectionsPerLoop: Int, logger: Logger
    ) async throws -> any WorldDatabase {
        if let databaseURL, !databaseURL.isEmpty {
            let configuration = try DatabaseURL.configuration(databaseURL)
            logger.info("using PostgreSQL", metadata: ["connectionsPerLoop": "\(connectionsPerLoop)"])
            return PostgresWorldDatabase(configuration: configuration, connectionsPerLoop: connectionsPerLoop, logger: logger)
        }
        let database = try await SQLiteWorldDatabase.open(path: sqlitePath, logger: logger)
        logger.info("using SQLite", metadata: ["path": "\(sqlitePath ?? "a temp file")"])
        return database
    }
}
