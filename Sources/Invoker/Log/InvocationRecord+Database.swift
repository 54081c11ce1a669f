import Foundation
import GRDB

/// Reads and writes records as rows of the `invocations` table.
///
/// Times are stored as integer milliseconds since 1970 (UTC): cheap to write at a high rate, exact to read back,
/// and readable in `sqlite3` with `datetime(started_at / 1000.0, 'unixepoch', 'subsec')`.
extension InvocationRecord: FetchableRecord, PersistableRecord {
    /// The table that holds the records.
    static let databaseTableName = "invocations"

    /// Decodes a row of the `invocations` table.
    init(row: Row) throws {
        id = try row.decode(forColumn: CodingKeys.id.rawValue)
        function = try row.decode(forColumn: CodingKeys.function.rawValue)
        trigger = try row.decode(forColumn: CodingKeys.trigger.rawValue)
        startedAt = Self.date(milliseconds: try row.decode(forColumn: CodingKeys.startedAt.rawValue))
        endedAt = Self.date(milliseconds: try row.decode(forColumn: CodingKeys.endedAt.rawValue))
        durationMs = try row.decode(forColumn: CodingKeys.durationMs.rawValue)
        initDurationMs = try row.decode(forColumn: CodingKeys.initDurationMs.rawValue)
        waitMs = try row.decode(forColumn: CodingKeys.waitMs.rawValue)
        cold = try row.decode(forColumn: CodingKeys.cold.rawValue)
        status = try row.decode(forColumn: CodingKeys.status.rawValue)
        httpStatus = try row.decode(forColumn: CodingKeys.httpStatus.rawValue)
        errorType = try row.decode(forColumn: CodingKeys.errorType.rawValue)
        errorMessage = try row.decode(forColumn: CodingKeys.errorMessage.rawValue)
        requestBytes = try row.decode(forColumn: CodingKeys.requestBytes.rawValue)
        responseBytes = try row.decode(forColumn: CodingKeys.responseBytes.rawValue)
        workerPid = try row.decode(forColumn: CodingKeys.workerPid.rawValue)
        maxMemoryKB = try row.decode(forColumn: CodingKeys.maxMemoryKB.rawValue)
        queueMessageId = try row.decode(forColumn: CodingKeys.queueMessageId.rawValue)
        attempt = try row.decode(forColumn: CodingKeys.attempt.rawValue)
        log = try row.decode(forColumn: CodingKeys.log.rawValue)
    }

    /// Encodes the record as a row of the `invocations` table.
    func encode(to container: inout PersistenceContainer) {
        for (key, value) in zip(CodingKeys.allCases, databaseValues) {
            container[key.rawValue] = value
        }
    }

    /// The column values, in the order of `CodingKeys.allCases`.
    private var databaseValues: [DatabaseValue] {
        [
            id.databaseValue, function.databaseValue, trigger.databaseValue,
            Self.milliseconds(startedAt).databaseValue, Self.milliseconds(endedAt).databaseValue,
            durationMs.databaseValue, initDurationMs.databaseValue, waitMs.databaseValue, cold.databaseValue,
            status.databaseValue, httpStatus.databaseValue, errorType.databaseValue, errorMessage.databaseValue,
            requestBytes.databaseValue, responseBytes.databaseValue, workerPid.databaseValue,
            maxMemoryKB.databaseValue, queueMessageId.databaseValue, attempt.databaseValue, log.databaseValue,
        ]
    }

    /// The integer milliseconds since 1970 that a date is stored as.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date stored as integer milliseconds since 1970.
    private static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension InvocationRecord.Trigger: DatabaseValueConvertible {}

extension InvocationRecord.Status: DatabaseValueConvertible {}
