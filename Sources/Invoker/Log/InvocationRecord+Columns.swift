import GRDB

extension InvocationRecord {
    /// The columns of the `invocations` table, in table order: the one place their names are spelled.
    ///
    /// The same names are the record's coding keys (``InvocationRecord/CodingKeys``), so `invoker logs --json` and the
    /// table agree; the migrations create the columns from them, and the insert statement binds its values in the
    /// order of `allCases`.
    ///
    /// ```swift
    /// let slow = try InvocationRecord.filter(InvocationRecord.Columns.durationMs > 100).fetchAll(db)
    /// ```
    enum Columns: String, CodingKey, CaseIterable, ColumnExpression {
        case id
        case function
        case trigger
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case durationMs = "duration_ms"
        case initDurationMs = "init_duration_ms"
        case waitMs = "wait_ms"
        case cold
        case status
        case httpStatus = "http_status"
        case errorType = "error_type"
        case errorMessage = "error_message"
        case requestBytes = "request_bytes"
        case responseBytes = "response_bytes"
        case workerPid = "worker_pid"
        case maxMemoryKB = "max_memory_kb"
        case queueMessageId = "queue_message_id"
        case attempt
        case log
        case caller
        case node
        case scheduledAt = "scheduled_at"
        case generation
    }
}
