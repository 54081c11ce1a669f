import GRDB

extension SQLiteQueueStore {
    func fire(_ firings: [ScheduleFiring]) async throws -> [SentMessage?] {
        guard !firings.isEmpty else { return [] }
        let rows = try firings.map { firing in
            (
                id: ids.next(), firing: firing, md5: MD5.hex(firing.message.body.bytes),
                attributes: try MessageAttribute.storedJSON(firing.message.attributes)
            )
        }
        let fired = try await write { db in
            let now = self.now()
            let record = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO schedule_firings (function, schedule, scheduled_at, fired_at, message_id, node)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            )
            return try rows.map { row in
                let key = row.firing.key
                try record.execute(arguments: [
                    key.function, key.schedule, row.firing.scheduledAtMs, now, row.id, row.firing.node,
                ])
                guard db.changesCount > 0 else { return false }
                try Self.insert(
                    row.firing.message,
                    id: row.id,
                    md5: row.md5,
                    attributes: row.attributes,
                    into: QueueDefinition.asyncQueueName(of: key.function),
                    now: now,
                    db
                )
                return true
            }
        }
        for (row, fired) in zip(rows, fired) where fired {
            arrivals.ring(QueueDefinition.asyncQueueName(of: row.firing.key.function))
        }
        return zip(rows, fired).map { row, fired in
            fired ? SentMessage(messageId: row.id, md5OfMessageBody: row.md5, md5OfMessageAttributes: nil) : nil
        }
    }

    func latestFirings() async throws -> [ScheduleKey: ScheduleFiringRecord] {
        try await read { db in
            // SQLite takes the other columns from the row that has the MAX.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT function, schedule, MAX(scheduled_at), fired_at, message_id, node FROM schedule_firings
                    GROUP BY function, schedule
                    """
            )
            var latest: [ScheduleKey: ScheduleFiringRecord] = [:]
            while let row = try rows.next() {
                latest[ScheduleKey(function: row[0], schedule: row[1])] = ScheduleFiringRecord(
                    scheduledAtMs: row[2],
                    firedAtMs: row[3],
                    messageId: row[4],
                    node: row[5]
                )
            }
            return latest
        }
    }

    func pruneFirings(of key: ScheduleKey, before cutoffMs: Int64) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM schedule_firings
                    WHERE function = ? AND schedule = ? AND scheduled_at < ?
                      AND scheduled_at < (SELECT MAX(scheduled_at) FROM schedule_firings WHERE function = ? AND schedule = ?)
                    """,
                arguments: [key.function, key.schedule, cutoffMs, key.function, key.schedule]
            )
            return db.changesCount
        }
    }
}
