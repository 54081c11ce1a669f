import GRDB

extension SQLiteQueueStore {
    /// The schema of the queue database, one named migration per change; a shipped migration is never edited.
    ///
    /// `messages` holds every message not yet acknowledged, in all queues. `visible_at` (milliseconds since 1970) is
    /// when it may be leased next: its send time, a lease's deadline (`leased` = 1), or the end of a retry backoff.
    /// The index on `(queue, visible_at)` makes a lease a short range scan. The body is TEXT for UTF-8 text and a
    /// BLOB otherwise. `dead_letters` holds the messages that failed every delivery; `queues` the queues the invoker
    /// serves. `schedule_firings` holds one row per fired slot of a schedule (see ``ScheduleStore``).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: messages, dead letters, queues") { db in
            try db.create(table: "messages") { table in
                table.column("seq", .integer).primaryKey()
                table.column("id", .text).notNull()
                table.column("queue", .text).notNull()
                table.column("body").notNull()
                table.column("md5", .text).notNull()
                table.column("attributes", .text)
                table.column("callback_url", .text)
                table.column("sent_at", .integer).notNull()
                table.column("first_received_at", .integer)
                table.column("receive_count", .integer).notNull().defaults(to: 0)
                table.column("visible_at", .integer).notNull()
                table.column("leased", .boolean).notNull().defaults(to: false)
                table.column("last_error", .text)
            }
            try db.create(index: "messages_by_visibility", on: "messages", columns: ["queue", "visible_at"])
            try db.create(table: "dead_letters") { table in
                table.column("seq", .integer).primaryKey()
                table.column("id", .text).notNull()
                table.column("queue", .text).notNull()
                table.column("body").notNull()
                table.column("md5", .text).notNull()
                table.column("attributes", .text)
                table.column("callback_url", .text)
                table.column("sent_at", .integer).notNull()
                table.column("first_received_at", .integer)
                table.column("receive_count", .integer).notNull()
                table.column("failed_at", .integer).notNull()
                table.column("last_error", .text).notNull()
            }
            try db.create(index: "dead_letters_by_queue", on: "dead_letters", columns: ["queue", "seq"])
            try db.create(table: "queues") { table in
                table.primaryKey("name", .text)
                table.column("function", .text).notNull()
                table.column("kind", .text).notNull()
            }
        }
        migrator.registerMigration("v2: schedule firings") { db in
            try db.create(table: "schedule_firings") { table in
                table.column("function", .text).notNull()
                table.column("schedule", .text).notNull()
                table.column("scheduled_at", .integer).notNull()
                table.column("fired_at", .integer).notNull()
                table.column("message_id", .text).notNull()
                table.column("node", .text)
                table.primaryKey(["function", "schedule", "scheduled_at"])
            }
        }
        return migrator
    }
}
