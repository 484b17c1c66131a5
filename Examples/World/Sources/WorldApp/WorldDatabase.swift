import NIOCore

/// What the World endpoints need from a database. Each call names the event loop of the
/// HTTP connection it serves, so an implementation can answer from connections owned by
/// that loop (no thread hop between the query and the response).
public protocol WorldDatabase: Sendable {
    /// The database system, as OpenTelemetry's `db.system.name` spells it (`postgresql`).
    var systemName: String { get }

    /// The row with this id, by one query.
    func world(id: Int32, on eventLoop: any EventLoop) async throws -> World

    /// The rows with these ids, in this order: one query per id, as TechEmpower's
    /// `queries` and `updates` tests require.
    func worlds(ids: [Int32], on eventLoop: any EventLoop) async throws -> [World]

    /// Writes these rows' random numbers back (one batched statement is allowed).
    func update(_ worlds: [World], on eventLoop: any EventLoop) async throws

    /// Every row of the Fortune table.
    func fortunes(on eventLoop: any EventLoop) async throws -> [Fortune]

    /// Closes every connection. Calls after it fail.
    func close() async
}
