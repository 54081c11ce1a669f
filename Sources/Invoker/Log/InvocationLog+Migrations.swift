import GRDB

extension InvocationLog {
    /// The schema of the invocation log, one named migration per change.
    ///
    /// A shipped migration is never edited: a schema change is a new migration. The names come from
    /// ``InvocationRecord/Columns``, so a column keeps its name for good (renaming its case would change what `v1`
    /// creates); a new column is a new case and a new migration. Ids are UUIDv7, so `ORDER BY id DESC` lists newest
    /// first; each filter column has an index on `(column, id)` so that filtered listings walk an index newest first
    /// instead of sorting. Times are integer milliseconds since 1970; the index on `started_at` lets retention find
    /// the expired records without reading the others.
    static var migrator: DatabaseMigrator {
        typealias Columns = InvocationRecord.Columns
        let table = InvocationRecord.databaseTableName
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: invocations") { db in
            try db.create(table: table) { table in
                table.primaryKey(Columns.id.name, .text)
                table.column(Columns.function.name, .text).notNull()
                table.column(Columns.trigger.name, .text).notNull()
                table.column(Columns.startedAt.name, .integer).notNull()
                table.column(Columns.endedAt.name, .integer).notNull()
                table.column(Columns.durationMs.name, .double).notNull()
                table.column(Columns.initDurationMs.name, .double)
                table.column(Columns.waitMs.name, .double).notNull()
                table.column(Columns.cold.name, .boolean).notNull()
                table.column(Columns.status.name, .text).notNull()
                table.column(Columns.httpStatus.name, .integer)
                table.column(Columns.errorType.name, .text)
                table.column(Columns.errorMessage.name, .text)
                table.column(Columns.requestBytes.name, .integer).notNull()
                table.column(Columns.responseBytes.name, .integer).notNull()
                table.column(Columns.workerPid.name, .integer)
                table.column(Columns.maxMemoryKB.name, .integer)
                table.column(Columns.queueMessageId.name, .text)
                table.column(Columns.attempt.name, .integer)
                table.column(Columns.log.name, .text)
            }
            for column in [Columns.function, Columns.status, Columns.trigger] {
                try db.create(
                    index: "\(table)_by_\(column.name)",
                    on: table,
                    columns: [column.name, Columns.id.name]
                )
            }
        }
        migrator.registerMigration("v2: started_at index") { db in
            try db.create(
                index: "\(table)_by_\(Columns.startedAt.name)",
                on: table,
                columns: [Columns.startedAt.name]
            )
        }
        migrator.registerMigration("v3: caller") { db in
            try db.alter(table: table) { table in
                table.add(column: Columns.caller.name, .text)
            }
        }
        migrator.registerMigration("v4: node") { db in
            try db.alter(table: table) { table in
                table.add(column: Columns.node.name, .text)
            }
        }
        migrator.registerMigration("v5: scheduled_at") { db in
            try db.alter(table: table) { table in
                table.add(column: Columns.scheduledAt.name, .integer)
            }
        }
        migrator.registerMigration("v6: generation") { db in
            try db.alter(table: table) { table in
                table.add(column: Columns.generation.name, .text)
            }
        }
        return migrator
    }
}
