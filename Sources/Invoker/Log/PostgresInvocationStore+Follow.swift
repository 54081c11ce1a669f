import PostgresNIO

extension PostgresInvocationStore {
    /// The position is the newest `seq` at the moment of the call, and the listing holds only rows up to it.
    func newest(matching filter: InvocationFilter, limit: Int) async throws -> InvocationFeed.Page {
        let position = try await newestPosition()
        var bindings = PostgresBindings()
        let condition = filter.postgresCondition(binding: &bindings)
        bindings.append(position)
        bindings.append(Int64(limit))
        let records = try await records(
            """
            SELECT \(InvocationRecord.postgresColumnList) FROM \(InvocationRecord.postgresTableName)
            WHERE \(condition) AND seq <= $\(bindings.count - 1)
            ORDER BY \(InvocationRecord.Columns.id.rawValue) DESC LIMIT $\(bindings.count)
            """,
            bindings
        )
        return (records, position)
    }

    /// A position is a row's `seq`, which numbers the rows as they are inserted; the rows after `position` are
    /// read through its index. Batches commit in the order of their numbers (``PostgresInvocationSink`` serialises
    /// them), so no row ever appears behind a position already read.
    func records(
        matching filter: InvocationFilter,
        writtenAfter position: Int64,
        limit: Int
    ) async throws -> InvocationFeed.Page {
        let newest = try await newestPosition()
        var bindings = PostgresBindings()
        let condition = filter.postgresCondition(binding: &bindings)
        bindings.append(position)
        bindings.append(newest)
        bindings.append(Int64(limit))
        let count = bindings.count
        let rows = try await rows(
            """
            SELECT seq, \(InvocationRecord.postgresColumnList) FROM \(InvocationRecord.postgresTableName)
            WHERE seq > $\(count - 2) AND seq <= $\(count - 1) AND \(condition) ORDER BY seq LIMIT $\(count)
            """,
            bindings
        )
        let records = try rows.map(InvocationRecord.init(postgresRow:))
        // A full page may have more after it; otherwise every row up to `newest` was looked at.
        let last = try rows.last.map { try $0.makeRandomAccess()["seq"].decode(Int64.self) }
        return (records, rows.count == limit ? last ?? position : newest)
    }

    /// The `seq` of the row written last, or 0 when the table is empty.
    private func newestPosition() async throws -> Int64 {
        try await rows("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM \(InvocationRecord.postgresTableName)", .init())
            .first.map { try $0.decode(Int64.self) } ?? 0
    }
}
