import Foundation
import GRDB

/// Reads records from rows of the `invocations` table; ``InvocationInsertStatement`` writes them.
///
/// Times are stored as integer milliseconds since 1970 (UTC): cheap to write at a high rate, exact to read back,
/// and readable in `sqlite3` with `datetime(started_at / 1000.0, 'unixepoch', 'subsec')`.
extension InvocationRecord: FetchableRecord, TableRecord {
    /// The table that holds the records.
    static let databaseTableName = "invocations"

    /// Decodes a row of the `invocations` table.
    init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id)
        function = try row.decode(forColumn: Columns.function)
        trigger = try row.decode(forColumn: Columns.trigger)
        startedAt = EpochTime.date(epochMs: try row.decode(forColumn: Columns.startedAt))
        endedAt = EpochTime.date(epochMs: try row.decode(forColumn: Columns.endedAt))
        durationMs = try row.decode(forColumn: Columns.durationMs)
        initDurationMs = try row.decode(forColumn: Columns.initDurationMs)
        waitMs = try row.decode(forColumn: Columns.waitMs)
        cold = try row.decode(forColumn: Columns.cold)
        status = try row.decode(forColumn: Columns.status)
        httpStatus = try row.decode(forColumn: Columns.httpStatus)
        errorType = try row.decode(forColumn: Columns.errorType)
        errorMessage = try row.decode(forColumn: Columns.errorMessage)
        requestBytes = try row.decode(forColumn: Columns.requestBytes)
        responseBytes = try row.decode(forColumn: Columns.responseBytes)
        workerPid = try row.decode(forColumn: Columns.workerPid)
        maxMemoryKB = try row.decode(forColumn: Columns.maxMemoryKB)
        queueMessageId = try row.decode(forColumn: Columns.queueMessageId)
        attempt = try row.decode(forColumn: Columns.attempt)
        log = try row.decode(forColumn: Columns.log)
        caller = try row.decode(forColumn: Columns.caller)
        node = try row.decode(forColumn: Columns.node)
        generation = try row.decode(forColumn: Columns.generation)
        scheduledAt = try row.decode(Int64?.self, forColumn: Columns.scheduledAt).map(EpochTime.date(epochMs:))
    }
}

extension InvocationRecord.Trigger: DatabaseValueConvertible {}

extension InvocationRecord.Status: DatabaseValueConvertible {}
