import GRDB

/// The invocation log in an SQLite file (WAL mode, readable by its owner only): the embedded default.
///
/// ```swift
/// let sink = try SQLiteInvocationSink(path: ".invoker/invocations.sqlite")
/// ```
struct SQLiteInvocationSink: InvocationSink {
    /// The path of the database file.
    let path: String
    /// The connection that writes, and connections that read beside it (retention reads without holding up writes).
    let database: DatabasePool

    var location: String { path }

    /// Opens (or creates) the database at `path`, with its parent directories, and brings its schema up to date;
    /// a locked database is waited for up to `busyTimeout`. Throws an ``InvocationLogError`` with code `cannotOpen`.
    init(path: String, busyTimeout: Duration = InvocationLog.Configuration().busyTimeout) throws {
        self.path = path
        do {
            try StateDirectory.preparePrivateFile(at: path)
            var configuration = GRDB.Configuration()
            let (seconds, attoseconds) = busyTimeout.components
            configuration.busyMode = .timeout(Double(seconds) + Double(attoseconds) / 1e18)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            database = try DatabasePool(path: path, configuration: configuration)
            try InvocationLog.migrator.migrate(database)
        } catch {
            throw InvocationLogError(
                code: .cannotOpen,
                message: "cannot open the invocation log at '\(path)': \(error)"
            )
        }
    }

    /// Uses GRDB's completion-based write, which cancellation cannot interrupt.
    func insert(_ batch: ArraySlice<InvocationRecord>) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            database.asyncWrite { db in
                let statement = try InvocationInsertStatement(db)
                var ignored = 0
                for record in batch {
                    let inserted = try statement.insert(record)
                    ignored += inserted ? 0 : 1
                }
                return ignored
            } completion: { _, result in
                continuation.resume(with: result)
            }
        }
    }

    /// Takes the write lock and releases it at once.
    func isWritable() async -> Bool {
        do {
            try await database.writeWithoutTransaction { database in
                try database.execute(sql: "BEGIN IMMEDIATE; ROLLBACK")
            }
            return true
        } catch {
            return false
        }
    }

    func deleteRecords(startedBefore cutoffMs: Int64, limit: Int) async throws -> Int {
        try await delete(
            where: "\(InvocationRecord.Columns.startedAt.name) < ?",
            orderedBy: InvocationRecord.Columns.startedAt.name,
            bound: cutoffMs,
            limit: limit
        )
    }

    func newestRecordID(beyondNewest count: Int) async throws -> String? {
        let id = InvocationRecord.Columns.id.name
        return try await database.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT \(id) FROM \(InvocationRecord.databaseTableName) ORDER BY \(id) DESC LIMIT 1 OFFSET ?",
                arguments: [count]
            )
        }
    }

    func deleteRecords(throughID id: String, limit: Int) async throws -> Int {
        let column = InvocationRecord.Columns.id.name
        return try await delete(where: "\(column) <= ?", orderedBy: column, bound: id, limit: limit)
    }

    /// Deletes at most `limit` rows matching `condition` (which takes `bound`), the first by `order`.
    private func delete(
        where condition: String,
        orderedBy order: String,
        bound: some DatabaseValueConvertible & Sendable,
        limit: Int
    ) async throws -> Int {
        let table = InvocationRecord.databaseTableName
        return try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM \(table) WHERE rowid IN \
                    (SELECT rowid FROM \(table) WHERE \(condition) ORDER BY \(order) LIMIT ?)
                    """,
                arguments: [bound, limit]
            )
            return db.changesCount
        }
    }
}
