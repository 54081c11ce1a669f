extension InvocationStatistics {
    /// The statistics query over `table`'s rows that meet `condition` (SQL text): one query, in the SQL that SQLite and
    /// PostgreSQL both speak, so both stores give the same numbers for the same records.
    ///
    /// Window functions rank each function's durations, init durations and waits, and the nearest-rank percentile
    /// (see ``InvocationStatistics``) of n values is the smallest value whose rank r has 100·r ≥ p·n, which keeps the
    /// arithmetic in integers. Throttled and unauthorized invocations never ran: they count, but have no duration or
    /// wait. The query reads every matching row, so its cost grows with the period asked for. The result's columns are
    /// named like ``CodingKeys``.
    static func query(table: String, condition: String) -> String {
        typealias Columns = InvocationRecord.Columns
        let ran = "\(Columns.status.rawValue) NOT IN ('throttled', 'unauthorized')"
        return """
            WITH matching AS (
                SELECT \(Columns.function.rawValue) AS function, \(Columns.status.rawValue) AS status,
                    \(Columns.cold.rawValue) AS cold,
                    CASE WHEN \(ran) THEN \(Columns.durationMs.rawValue) END AS ran_ms,
                    CASE WHEN \(ran) THEN \(Columns.waitMs.rawValue) END AS waited_ms,
                    CASE WHEN \(Columns.cold.rawValue) THEN \(Columns.initDurationMs.rawValue) END AS init_ms
                FROM \(table)
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
            """
    }
}
