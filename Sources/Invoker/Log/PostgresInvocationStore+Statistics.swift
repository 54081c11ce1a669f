import PostgresNIO

extension PostgresInvocationStore {
    /// The query of ``SQLiteInvocationStore``'s statistics in PostgreSQL's dialect (counts with `FILTER` rather than
    /// sums of booleans), so both stores give the same numbers for the same records.
    func statistics(filter: InvocationFilter) async throws -> [InvocationStatistics] {
        typealias Columns = InvocationRecord.Columns
        var bindings = PostgresBindings()
        let condition = filter.postgresCondition(binding: &bindings)
        let ran = "\(Columns.status.rawValue) NOT IN ('throttled', 'unauthorized')"
        let rows = try await rows(
            """
            WITH matching AS (
                SELECT \(Columns.function.rawValue) AS function, \(Columns.status.rawValue) AS status,
                    \(Columns.cold.rawValue) AS cold,
                    CASE WHEN \(ran) THEN \(Columns.durationMs.rawValue) END AS ran_ms,
                    CASE WHEN \(ran) THEN \(Columns.waitMs.rawValue) END AS waited_ms,
                    CASE WHEN \(Columns.cold.rawValue) THEN \(Columns.initDurationMs.rawValue) END AS init_ms
                FROM \(InvocationRecord.postgresTableName)
                WHERE \(condition)
            ),
            ranked AS (
                SELECT *,
                    ROW_NUMBER() OVER (PARTITION BY function, ran_ms IS NULL ORDER BY ran_ms) AS ran_rank,
                    COUNT(ran_ms) OVER (PARTITION BY function) AS ran_count,
                    ROW_NUMBER() OVER (PARTITION BY function, waited_ms IS NULL ORDER BY waited_ms) AS waited_rank,
                    ROW_NUMBER() OVER (PARTITION BY function, init_ms IS NULL ORDER BY init_ms) AS init_rank,
                    COUNT(init_ms) OVER (PARTITION BY function) AS init_count
                FROM matching
            )
            SELECT function,
                COUNT(*) AS invocations,
                COUNT(*) FILTER (WHERE status = 'error') AS errors,
                COUNT(*) FILTER (WHERE status = 'timeout') AS timeouts,
                COUNT(*) FILTER (WHERE status = 'crash') AS crashes,
                COUNT(*) FILTER (WHERE status = 'throttled') AS throttles,
                COUNT(*) FILTER (WHERE cold) AS cold_starts,
                MIN(CASE WHEN 100 * ran_rank >= 50 * ran_count THEN ran_ms END) AS duration_p50_ms,
                MIN(CASE WHEN 100 * ran_rank >= 95 * ran_count THEN ran_ms END) AS duration_p95_ms,
                MIN(CASE WHEN 100 * ran_rank >= 99 * ran_count THEN ran_ms END) AS duration_p99_ms,
                MIN(CASE WHEN 100 * init_rank >= 50 * init_count THEN init_ms END) AS init_duration_p50_ms,
                MIN(CASE WHEN 100 * waited_rank >= 50 * ran_count THEN waited_ms END) AS wait_p50_ms
            FROM ranked
            GROUP BY function
            ORDER BY function
            """,
            bindings
        )
        return try rows.map(InvocationStatistics.init(postgresRow:))
    }
}

extension InvocationStatistics {
    /// Reads a row of ``PostgresInvocationStore/statistics(filter:)``'s query, whose columns are named like the
    /// coding keys, and works out the rates.
    init(postgresRow row: PostgresRow) throws {
        typealias Keys = CodingKeys
        let cells = row.makeRandomAccess()
        func count(_ key: Keys) throws -> Int { Int(try cells[key.rawValue].decode(Int64.self)) }
        func milliseconds(_ key: Keys) throws -> Double? { try cells[key.rawValue].decode(Double?.self) }
        let invocations = try count(.invocations)
        let errors = try count(.errors)
        let coldStarts = try count(.coldStarts)
        self.init(
            function: try cells[Keys.function.rawValue].decode(String.self),
            invocations: invocations,
            errors: errors,
            errorRate: Double(errors) / Double(max(invocations, 1)),
            timeouts: try count(.timeouts),
            crashes: try count(.crashes),
            throttles: try count(.throttles),
            coldStarts: coldStarts,
            coldStartShare: Double(coldStarts) / Double(max(invocations, 1)),
            durationP50Ms: try milliseconds(.durationP50Ms),
            durationP95Ms: try milliseconds(.durationP95Ms),
            durationP99Ms: try milliseconds(.durationP99Ms),
            initDurationP50Ms: try milliseconds(.initDurationP50Ms),
            waitP50Ms: try milliseconds(.waitP50Ms)
        )
    }
}
