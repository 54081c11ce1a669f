import GRDB
import GRDBSQLite

/// Inserts invocation records through one prepared statement, for the writer's batches.
///
/// Values are bound with SQLite's C API: building GRDB `StatementArguments` for twenty columns costs more per record
/// than SQLite's insert itself, and the log is written at up to hundreds of thousands of records per second. Each
/// value is bound at its column's place in `InvocationRecord.Columns.allCases`, the order the SQL names them in. The
/// statement is used only inside one of the writer's transactions and dropped with it.
struct InvocationInsertStatement {
    /// The SQL, naming the columns in the order of `InvocationRecord.Columns.allCases`.
    ///
    /// A record whose id is already in the table is ignored rather than failing the whole batch.
    static let sql = """
        INSERT OR IGNORE INTO \(InvocationRecord.databaseTableName) \
        (\(Columns.allCases.map(\.name).joined(separator: ", "))) \
        VALUES (\(Array(repeating: "?", count: Columns.allCases.count).joined(separator: ", ")))
        """

    private typealias Columns = InvocationRecord.Columns

    /// The connection, inside a transaction.
    private let db: Database
    /// The prepared statement.
    private let statement: Statement

    /// Prepares the statement on `db`.
    init(_ db: Database) throws {
        self.db = db
        statement = try db.makeStatement(sql: Self.sql)
    }

    /// Inserts `record`; returns false if it was ignored because its id is already in the table.
    func insert(_ record: InvocationRecord) throws -> Bool {
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var binder = Binder(handle: handle)
        for column in Columns.allCases {
            switch column {
            case .id: binder.bind(record.id)
            case .function: binder.bind(record.function)
            case .trigger: binder.bind(record.trigger.rawValue)
            case .startedAt: binder.bind(EpochTime.ms(record.startedAt))
            case .endedAt: binder.bind(EpochTime.ms(record.endedAt))
            case .durationMs: binder.bind(record.durationMs)
            case .initDurationMs: binder.bind(record.initDurationMs)
            case .waitMs: binder.bind(record.waitMs)
            case .cold: binder.bind(Int64(record.cold ? 1 : 0))
            case .status: binder.bind(record.status.rawValue)
            case .httpStatus: binder.bind(record.httpStatus.map(Int64.init))
            case .errorType: binder.bind(record.errorType)
            case .errorMessage: binder.bind(record.errorMessage)
            case .requestBytes: binder.bind(Int64(record.requestBytes))
            case .responseBytes: binder.bind(Int64(record.responseBytes))
            case .workerPid: binder.bind(record.workerPid.map(Int64.init))
            case .maxMemoryKB: binder.bind(record.maxMemoryKB.map(Int64.init))
            case .queueMessageId: binder.bind(record.queueMessageId)
            case .attempt: binder.bind(record.attempt.map(Int64.init))
            case .log: binder.bind(record.log)
            case .caller: binder.bind(record.caller)
            case .node: binder.bind(record.node)
            case .generation: binder.bind(record.generation)
            case .scheduledAt: binder.bind(record.scheduledAt.map(EpochTime.ms))
            }
        }
        var code = binder.code
        if code == SQLITE_OK {
            code = sqlite3_step(handle)
        }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: Self.sql
            )
        }
        return sqlite3_changes(db.sqliteConnection) > 0
    }

    /// Binds values to consecutive parameters, keeping the first failure.
    private struct Binder {
        /// SQLite copies text it is given with this destructor.
        private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

        /// The statement being bound.
        let handle: OpaquePointer
        /// The next parameter's index, from 1.
        private var index: Int32 = 1
        /// `SQLITE_OK`, or the first failure.
        private(set) var code = SQLITE_OK

        /// Creates a binder starting at the first parameter.
        init(handle: OpaquePointer) {
            self.handle = handle
        }

        /// Binds text, or NULL; the length is explicit so that text holding NUL characters is kept whole.
        mutating func bind(_ value: String?) {
            record(
                value.map { sqlite3_bind_text(handle, index, $0, Int32(clamping: $0.utf8.count), Self.transient) }
                    ?? sqlite3_bind_null(handle, index)
            )
        }

        /// Binds an integer, or NULL.
        mutating func bind(_ value: Int64?) {
            record(value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
        }

        /// Binds a real number, or NULL.
        mutating func bind(_ value: Double?) {
            record(value.map { sqlite3_bind_double(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
        }

        /// Keeps the first failure and moves to the next parameter.
        private mutating func record(_ result: Int32) {
            if code == SQLITE_OK {
                code = result
            }
            index += 1
        }
    }
}
