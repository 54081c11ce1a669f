import PostgresNIO

/// Reads the invocation log in the PostgreSQL database the nodes share: every node's records, from any machine that
/// reaches the database, whether or not a node runs.
///
/// ```swift
/// let store = try await PostgresInvocationStore.open(database)
/// let failures = try await store.list(filter: InvocationFilter(statuses: [.error]), limit: 20)
/// ```
struct PostgresInvocationStore: InvocationStore {
    /// The database, whose pool runs while the store is used.
    let database: PostgresDatabase
    /// How long a query waits for the database before it fails.
    var timeout: Duration = .seconds(10)

    var location: String { "\(database.url)" }

    /// The store of `database` once it is known to hold an invocation log; throws a ``SharedDatabaseError`` when the
    /// database cannot be reached, and an ``InvocationLogError`` (`notAnInvocationLog`) when its schema has no log:
    /// `invoker serve --database` creates it.
    static func open(_ database: PostgresDatabase) async throws -> PostgresInvocationStore {
        let table = InvocationRecord.postgresTableName
        let exists = try await database.withConnection { connection in
            try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL", logger: database.logger)
                .decode(Bool.self).reduce(false) { $1 }
        }
        guard exists else {
            throw InvocationLogError(
                code: .notAnInvocationLog,
                message: "the database \(database.url) holds no invocation log (it has no \(table) table): start"
                    + " `invoker serve --database URL` on it once, which creates the schema"
            )
        }
        return PostgresInvocationStore(database: database)
    }

    func list(filter: InvocationFilter, limit: Int, before cursor: String?) async throws -> [InvocationRecord] {
        var bindings = PostgresBindings()
        var condition = filter.postgresCondition(binding: &bindings)
        if let cursor {
            bindings.append(cursor)
            condition += " AND \(InvocationRecord.Columns.id.rawValue) < $\(bindings.count)"
        }
        bindings.append(Int64(limit))
        return try await records(
            """
            SELECT \(InvocationRecord.postgresColumnList) FROM \(InvocationRecord.postgresTableName)
            WHERE \(condition) ORDER BY \(InvocationRecord.Columns.id.rawValue) DESC LIMIT $\(bindings.count)
            """,
            bindings
        )
    }

    /// Reads the matches and their total in one query: the count is a window over every match, before the limit.
    func records(withIDPrefix prefix: String, limit: Int) async throws -> (records: [InvocationRecord], count: Int) {
        let id = InvocationRecord.Columns.id.rawValue
        var bindings = PostgresBindings()
        bindings.append(prefix)
        // Ids hold only hex digits and dashes, all below "~" byte by byte (the column compares bytes): the range is
        // exactly the ids with this prefix.
        bindings.append(prefix + "~")
        bindings.append(Int64(limit))
        let rows = try await rows(
            """
            SELECT \(InvocationRecord.postgresColumnList), COUNT(*) OVER () AS matches
            FROM \(InvocationRecord.postgresTableName) WHERE \(id) >= $1 AND \(id) < $2 ORDER BY \(id) LIMIT $3
            """,
            bindings
        )
        let records = try rows.map(InvocationRecord.init(postgresRow:))
        let count = try rows.first.map { try $0.makeRandomAccess()["matches"].decode(Int64.self) } ?? 0
        return (records, Int(count))
    }

    /// Runs `sql` with `bindings` and reads its rows as records.
    func records(_ sql: String, _ bindings: PostgresBindings) async throws -> [InvocationRecord] {
        try await rows(sql, bindings).map(InvocationRecord.init(postgresRow:))
    }

    /// Runs `sql` with `bindings` and returns its rows; a failure, or no answer within ``timeout``, is an
    /// ``InvocationLogError`` (`cannotRead`) naming the database.
    func rows(_ sql: String, _ bindings: PostgresBindings) async throws -> [PostgresRow] {
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        do {
            return try await database.withClient(timeout: timeout) { client in
                try await client.query(query).collect()
            }
        } catch let error as SharedDatabaseError {
            throw InvocationLogError(code: .cannotRead, message: "cannot read the invocation log: \(error.message)")
        } catch {
            throw InvocationLogError(
                code: .cannotRead,
                message: "reading the invocation log in \(location) failed: \(SharedDatabaseError.reason(error))"
            )
        }
    }
}
