import GRDB

extension SQLiteInvocationStore {
    func newest(matching filter: InvocationFilter, limit: Int) async throws -> InvocationFeed.Page {
        try await database.read { db in
            (try filter.request.limit(limit).fetchAll(db), try Self.newestPosition(db))
        }
    }

    /// A position is a row's SQLite rowid: the writer inserts rows in the order invocations end, while ids follow
    /// the order they began, so an invocation that ran longer than a later one has a smaller id but a larger rowid.
    /// The rows after `position` are read by rowid, not through an index, so each call costs as much as the number
    /// of rows written since the last one, whatever the filter.
    func records(
        matching filter: InvocationFilter,
        writtenAfter position: Int64,
        limit: Int
    ) async throws -> InvocationFeed.Page {
        try await database.read { db in
            let newest = try Self.newestPosition(db)
            // Only deleting the newest rows lowers the largest rowid, and SQLite then hands their rowids out again:
            // carry on from the newest row there is rather than wait for the table to grow past `position` (the
            // records written in between are missed; retention deletes the oldest rows, never these).
            let start = min(position, newest)
            let rows = try SQLRequest<Row>(
                literal: """
                    SELECT rowid AS position, * FROM \(InvocationRecord.self) NOT INDEXED \
                    WHERE rowid > \(start) AND rowid <= \(newest) AND \(filter.condition) \
                    ORDER BY rowid LIMIT \(limit)
                    """
            ).fetchAll(db)
            let records = try rows.map(InvocationRecord.init(row:))
            // A full page may have more after it; otherwise every row up to `newest` was looked at.
            let last: Int64? = rows.last.map { $0["position"] }
            let next = rows.count == limit ? last ?? start : newest
            return (records, next)
        }
    }

    /// The rowid of the row written last, or 0 when the table is empty.
    private static func newestPosition(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM \(InvocationRecord.databaseTableName)") ?? 0
    }
}
