import NIOCore
import Tracing

/// A ``WorldDatabase`` whose every call runs in a client span named and annotated as the
/// OpenTelemetry database conventions say (`SELECT World`, `db.system.name`,
/// `db.operation.name`, `db.collection.name`). Started from `ServiceContext.current`, so
/// behind Pronto's `TracingMiddleware` each query is a child of its request's span, in
/// the caller's trace.
///
/// PostgresNIO and SQLiteNIO start no spans themselves; this is the layer an app adds
/// around its data access.
public struct TracedWorldDatabase: WorldDatabase {
    let base: any WorldDatabase
    let tracer: any Tracer

    /// `base`, its calls traced by `tracer`.
    public init(_ base: any WorldDatabase, tracer: any Tracer) {
        self.base = base
        self.tracer = tracer
    }

    public var systemName: String { base.systemName }

    public func world(id: Int32, on eventLoop: any EventLoop) async throws -> World {
        try await span("SELECT", "World") { try await base.world(id: id, on: eventLoop) }
    }

    public func worlds(ids: [Int32], on eventLoop: any EventLoop) async throws -> [World] {
        try await span("SELECT", "World", batchSize: ids.count) { try await base.worlds(ids: ids, on: eventLoop) }
    }

    public func update(_ worlds: [World], on eventLoop: any EventLoop) async throws {
        try await span("UPDATE", "World", batchSize: worlds.count) { try await base.update(worlds, on: eventLoop) }
    }

    public func fortunes(on eventLoop: any EventLoop) async throws -> [Fortune] {
        try await span("SELECT", "Fortune") { try await base.fortunes(on: eventLoop) }
    }

    public func close() async { await base.close() }

    private func span<Result>(
        _ operation: String, _ table: String, batchSize: Int? = nil, _ body: () async throws -> Result
    ) async throws -> Result {
        try await tracer.withSpan("\(operation) \(table)", ofKind: .client) { span in
            span.updateAttributes { attributes in
                attributes["db.system.name"] = systemName
                attributes["db.operation.name"] = operation
                attributes["db.collection.name"] = table
                if let batchSize { attributes["db.operation.batch.size"] = batchSize }
            }
            return try await body()
        }
    }
}
