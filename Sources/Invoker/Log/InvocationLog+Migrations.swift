import GRDB

extension InvocationLog {
    /// The schema of the invocation log, one named migration per change.
    ///
    /// A shipped migration is never edited: a schema change is a new migration. Ids are UUIDv7, so `ORDER BY id DESC`
    /// lists newest first; each filter column has an index on `(column, id)` so that filtered listings walk an index
    /// newest first instead of sorting. Times are integer milliseconds since 1970; the index on `started_at` lets
    /// retention find the expired records without reading the others.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: invocations") { db in
            try db.create(table: "invocations") { table in
                table.primaryKey("id", .text)
                table.column("function", .text).notNull()
                table.column("trigger", .text).notNull()
                table.column("started_at", .integer).notNull()
                table.column("ended_at", .integer).notNull()
                table.column("duration_ms", .double).notNull()
                table.column("init_duration_ms", .double)
                table.column("wait_ms", .double).notNull()
                table.column("cold", .boolean).notNull()
                table.column("status", .text).notNull()
                table.column("http_status", .integer)
                table.column("error_type", .text)
                table.column("error_message", .text)
                table.column("request_bytes", .integer).notNull()
                table.column("response_bytes", .integer).notNull()
                table.column("worker_pid", .integer)
                table.column("max_memory_kb", .integer)
                table.column("queue_message_id", .text)
                table.column("attempt", .integer)
                table.column("log", .text)
            }
            for column in ["function", "status", "trigger"] {
                try db.create(index: "invocations_by_\(column)", on: "invocations", columns: [column, "id"])
            }
        }
        migrator.registerMigration("v2: started_at index") { db in
            try db.create(index: "invocations_by_started_at", on: "invocations", columns: ["started_at"])
        }
        return migrator
    }
}
