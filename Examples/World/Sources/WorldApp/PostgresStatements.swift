import PostgresNIO

// The World app's prepared statements. PostgresNIO prepares each one on a connection the
// first time it runs there and reuses it by name afterwards.

/// One World row by id.
struct SelectWorld: PostgresPreparedStatement {
    static let name = "world_select"
    static let sql = "SELECT id, randomnumber FROM world WHERE id = $1"
    typealias Row = (Int32, Int32)

    var id: Int32

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// Many rows' random numbers in one statement: the ids and the numbers go as two arrays
/// (ids sorted by the caller, so concurrent updates lock rows in the same order and cannot
/// deadlock).
struct UpdateWorlds: PostgresPreparedStatement {
    static let name = "world_update"
    static let sql = """
        UPDATE world SET randomnumber = v.r \
        FROM (SELECT unnest($1::int[]) AS id, unnest($2::int[]) AS r) AS v \
        WHERE world.id = v.id
        """
    typealias Row = ()

    var ids: [Int32]
    var randomNumbers: [Int32]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(ids)
        bindings.append(randomNumbers)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}

/// Every Fortune row.
struct SelectFortunes: PostgresPreparedStatement {
    static let name = "fortune_select"
    static let sql = "SELECT id, message FROM fortune"
    typealias Row = (Int32, String)

    func makeBindings() -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
