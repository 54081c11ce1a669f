import PostgresNIO

/// The invocation log in the PostgreSQL database the nodes share (table `log_invocations`), written through the
/// database's connection pool, which reconnects by itself after the database restarts.
///
/// A batch is one multi-row `INSERT` of arrays (`unnest`), so it costs one round trip whatever its size.
///
/// ```swift
/// let log = try InvocationLog(sink: PostgresInvocationSink(database: database), logger: logger)
/// ```
struct PostgresInvocationSink: InvocationSink {
    /// How long the sink waits for the database.
    struct Configuration: Sendable {
        /// How long a statement waits for the database (for a connection, then for its answer) before it fails and
        /// the writer retries it later.
        var operationTimeout: Duration = .seconds(10)
        /// How long the readiness probe waits for the database.
        var probeTimeout: Duration = .seconds(1)

        /// Creates a configuration with the defaults.
        init() {}
    }

    private typealias Columns = InvocationRecord.Columns

    /// The database, whose schema is current and whose pool runs.
    let database: PostgresDatabase
    /// How long the sink waits for the database.
    var configuration = Configuration()

    var location: String { "\(database.url)" }

    /// The advisory lock every node's batch holds from before its rows are numbered until it commits ("invlog" in
    /// ASCII).
    static let writeLockKey: Int64 = 0x69_6E_76_6C_6F_67

    /// Inserts the batch in a task of its own, which the caller's cancellation does not reach: at shutdown the last
    /// batches are written to their end (or until the operation timeout).
    ///
    /// The batch's transaction first takes ``writeLockKey``, so batches of all nodes commit one after the other, in
    /// the order of their `seq`: `invoker logs --follow`, which reads the rows after the last `seq` it saw, never
    /// passes over a batch that committed late. A batch is one short statement every few milliseconds per node, so
    /// the wait is short.
    func insert(_ batch: ArraySlice<InvocationRecord>) async throws -> Int {
        guard !batch.isEmpty else { return 0 }
        let query = Self.insertQuery(batch)
        let task = Task { [database, configuration] in
            try await database.withClient(timeout: configuration.operationTimeout) { client in
                try await client.withTransaction(logger: database.logger) { connection in
                    let lock: PostgresQuery = "SELECT pg_advisory_xact_lock(\(Self.writeLockKey))"
                    try await connection.query(lock, logger: database.logger).drain()
                    return try await connection.query(query, logger: database.logger).decode(Int64.self)
                        .reduce(0) { $0 + Int($1) }
                }
            }
        }
        return batch.count - (try await task.value)
    }

    /// Runs `SELECT 1` through the pool.
    func isWritable() async -> Bool {
        (try? await database.withClient(timeout: configuration.probeTimeout) { client in
            try await client.query("SELECT 1").drain()
        }) != nil
    }

    func deleteRecords(startedBefore cutoffMs: Int64, limit: Int) async throws -> Int {
        let column = Columns.startedAt.rawValue
        return try await delete(where: "\(column) < $1", orderedBy: column, bound: cutoffMs, limit: limit)
    }

    func newestRecordID(beyondNewest count: Int) async throws -> String? {
        let id = Columns.id.rawValue
        let table = InvocationRecord.postgresTableName
        return try await database.withClient(timeout: configuration.operationTimeout) { client in
            try await client.query(
                "SELECT \(unescaped: id) FROM \(unescaped: table) ORDER BY \(unescaped: id) DESC LIMIT 1 OFFSET \(count)"
            ).decode(String.self).reduce(nil) { $1 }
        }
    }

    func deleteRecords(throughID id: String, limit: Int) async throws -> Int {
        let column = Columns.id.rawValue
        return try await delete(where: "\(column) <= $1", orderedBy: column, bound: id, limit: limit)
    }

    /// Deletes at most `limit` rows matching `condition` (which reads `bound` as `$1`), the first by `order`.
    private func delete(
        where condition: String,
        orderedBy order: String,
        bound: some PostgresDynamicTypeEncodable,
        limit: Int
    ) async throws -> Int {
        let table = InvocationRecord.postgresTableName
        let id = Columns.id.rawValue
        var bindings = PostgresBindings()
        bindings.append(bound)
        bindings.append(Int64(limit))
        let query = PostgresQuery(
            unsafeSQL: """
                WITH deleted AS (
                    DELETE FROM \(table) WHERE \(id) IN
                        (SELECT \(id) FROM \(table) WHERE \(condition) ORDER BY \(order) LIMIT $2)
                    RETURNING 1
                )
                SELECT COUNT(*) FROM deleted
                """,
            binds: bindings
        )
        return try await database.withClient(timeout: configuration.operationTimeout) { client in
            try await client.query(query).decode(Int64.self).reduce(0) { $0 + Int($1) }
        }
    }

    /// One statement that inserts `batch` in its order, skipping records whose id is already stored, and returns how
    /// many it inserted: one array parameter per column, in the order of ``InvocationRecord/Columns``.
    static func insertQuery(_ batch: ArraySlice<InvocationRecord>) -> PostgresQuery {
        var bindings = PostgresBindings()
        var arrays: [String] = []
        func add(_ values: some PostgresDynamicTypeEncodable, as type: String) {
            bindings.append(values)
            arrays.append("$\(bindings.count)::\(type)[]")
        }
        func text(_ values: [String?]) -> PostgresNullableArray<String> {
            PostgresNullableArray(values.map { $0.map(storable) })
        }
        func integers(_ values: [Int?]) -> PostgresNullableArray<Int64> {
            PostgresNullableArray(values.map { $0.map(Int64.init) })
        }
        for column in Columns.allCases {
            switch column {
            case .id: add(batch.map(\.id), as: "TEXT")
            case .function: add(batch.map { storable($0.function) }, as: "TEXT")
            case .trigger: add(batch.map(\.trigger.rawValue), as: "TEXT")
            case .startedAt: add(batch.map { EpochTime.ms($0.startedAt) }, as: "BIGINT")
            case .endedAt: add(batch.map { EpochTime.ms($0.endedAt) }, as: "BIGINT")
            case .durationMs: add(batch.map(\.durationMs), as: "DOUBLE PRECISION")
            case .initDurationMs: add(PostgresNullableArray(batch.map(\.initDurationMs)), as: "DOUBLE PRECISION")
            case .waitMs: add(batch.map(\.waitMs), as: "DOUBLE PRECISION")
            case .cold: add(batch.map(\.cold), as: "BOOLEAN")
            case .status: add(batch.map(\.status.rawValue), as: "TEXT")
            case .httpStatus: add(integers(batch.map(\.httpStatus)), as: "BIGINT")
            case .errorType: add(text(batch.map(\.errorType)), as: "TEXT")
            case .errorMessage: add(text(batch.map(\.errorMessage)), as: "TEXT")
            case .requestBytes: add(batch.map { Int64($0.requestBytes) }, as: "BIGINT")
            case .responseBytes: add(batch.map { Int64($0.responseBytes) }, as: "BIGINT")
            case .workerPid: add(integers(batch.map { $0.workerPid.map(Int.init) }), as: "BIGINT")
            case .maxMemoryKB: add(integers(batch.map(\.maxMemoryKB)), as: "BIGINT")
            case .queueMessageId: add(text(batch.map(\.queueMessageId)), as: "TEXT")
            case .attempt: add(integers(batch.map(\.attempt)), as: "BIGINT")
            case .log: add(text(batch.map(\.log)), as: "TEXT")
            case .caller: add(text(batch.map(\.caller)), as: "TEXT")
            case .node: add(text(batch.map(\.node)), as: "TEXT")
            case .generation: add(text(batch.map(\.generation)), as: "TEXT")
            case .scheduledAt:
                add(PostgresNullableArray(batch.map { $0.scheduledAt.map(EpochTime.ms) }), as: "BIGINT")
            }
        }
        let columns = InvocationRecord.postgresColumnList
        let values = Columns.allCases.map { "r.\($0.rawValue)" }.joined(separator: ", ")
        return PostgresQuery(
            unsafeSQL: """
                WITH inserted AS (
                    INSERT INTO \(InvocationRecord.postgresTableName) (\(columns))
                    SELECT \(values)
                    FROM unnest(\(arrays.joined(separator: ", "))) WITH ORDINALITY AS r(\(columns), position)
                    ORDER BY r.position
                    ON CONFLICT (\(Columns.id.rawValue)) DO NOTHING
                    RETURNING 1
                )
                SELECT COUNT(*) FROM inserted
                """,
            binds: bindings
        )
    }

    /// `text` as PostgreSQL can store it: its text type cannot hold NUL characters (a worker's output may), so they
    /// become U+FFFD, the replacement character.
    private static func storable(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacing("\u{0}", with: "\u{FFFD}") : text
    }
}
