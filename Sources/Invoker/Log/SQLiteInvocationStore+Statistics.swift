import GRDB

extension SQLiteInvocationStore {
    /// Computed in one SQL query: window functions rank each function's durations, init durations and waits, and
    /// the nearest-rank percentile (see ``InvocationStatistics``) of n values is the smallest value whose rank r has
    /// 100·r ≥ p·n, which keeps the arithmetic in integers. The query reads every matching row, so its cost grows
    /// with the period asked for.
    ///
    /// ```swift
    /// for statistics in try await store.statistics(filter: InvocationFilter(since: Date() - 3600)) {
    ///     print(statistics.function, statistics.invocations, statistics.durationP95Ms ?? 0)
    /// }
    /// ```
    func statistics(filter: InvocationFilter) async throws -> [InvocationStatistics] {
        typealias Columns = InvocationRecord.Columns
        let request = SQLRequest<Row>(
            literal: """
                WITH matching AS (
                    SELECT \(Columns.function) AS function, \(Columns.status) AS status, \(Columns.cold) AS cold,
                        CASE WHEN \(Columns.status) NOT IN ('throttled', 'unauthorized') THEN \(Columns.durationMs) END
                            AS ran_ms,
                        CASE WHEN \(Columns.status) NOT IN ('throttled', 'unauthorized') THEN \(Columns.waitMs) END
                            AS waited_ms,
                        CASE WHEN \(Columns.cold) THEN \(Columns.initDurationMs) END AS init_ms
                    FROM \(InvocationRecord.self)
                    WHERE \(filter.condition)
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
                    SUM(status = 'error') AS errors,
                    SUM(status = 'timeout') AS timeouts,
                    SUM(status = 'crash') AS crashes,
                    SUM(status = 'throttled') AS throttles,
                    SUM(cold) AS cold_starts,
                    MIN(CASE WHEN 100 * ran_rank >= 50 * ran_count THEN ran_ms END) AS duration_p50_ms,
                    MIN(CASE WHEN 100 * ran_rank >= 95 * ran_count THEN ran_ms END) AS duration_p95_ms,
                    MIN(CASE WHEN 100 * ran_rank >= 99 * ran_count THEN ran_ms END) AS duration_p99_ms,
                    MIN(CASE WHEN 100 * init_rank >= 50 * init_count THEN init_ms END) AS init_duration_p50_ms,
                    MIN(CASE WHEN 100 * waited_rank >= 50 * ran_count THEN waited_ms END) AS wait_p50_ms
                FROM ranked
                GROUP BY function
                ORDER BY function
                """
        )
        return try await database.read { db in
            try request.fetchAll(db).map(InvocationStatistics.init(row:))
        }
    }
}
