import Foundation
import GRDB

extension SQLiteQueueStore {
    func enqueue(_ messages: [NewMessage], to queue: String) async throws -> [SentMessage] {
        let rows = try messages.map { message in
            (
                id: ids.next(), message: message, md5: MD5.hex(message.body.bytes),
                attributes: try MessageAttribute.storedJSON(message.attributes)
            )
        }
        try await write { db in
            let now = self.now()
            for row in rows {
                try Self.insert(
                    row.message,
                    id: row.id,
                    md5: row.md5,
                    attributes: row.attributes,
                    into: queue,
                    now: now,
                    db
                )
            }
        }
        arrivals.ring(queue)
        return rows.map { row in
            SentMessage(
                messageId: row.id,
                md5OfMessageBody: row.md5,
                md5OfMessageAttributes: MessageAttribute.digest(of: row.message.attributes)
            )
        }
    }

    func lease(from queue: String, limit: Int, policy: RetryPolicy) async throws -> [QueueMessage] {
        try await write { db in
            let now = self.now()
            let candidates = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT seq, id, body, md5, attributes, callback_url, sent_at, first_received_at, receive_count,
                               leased, last_error
                        FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at LIMIT ?
                        """
                ),
                arguments: [queue, now, limit]
            )
            let update = try db.cachedStatement(
                sql: """
                    UPDATE messages SET leased = 1, visible_at = ?, receive_count = ?, first_received_at = ?
                    WHERE seq = ?
                    """
            )
            let deadline = now + policy.visibilityTimeout.wholeMilliseconds
            var messages: [QueueMessage] = []
            for row in candidates {
                let sequence: Int64 = row[0]
                let receiveCount: Int = row[8]
                let lastError: String? = row[10]
                if row[9] && receiveCount >= policy.maxReceives {
                    // Its last allowed delivery was never answered: it will not be delivered again.
                    let error =
                        "delivery \(receiveCount) was never answered before its lease expired (the invoker may have"
                        + " stopped)" + (lastError.map { "; the delivery before failed with: \($0)" } ?? "")
                    _ = try Self.deadLetter(sequence, receiveCount: receiveCount, error: error, now: now, db)
                    continue
                }
                let firstReceivedAt: Int64 = row[7] ?? now
                try update.execute(arguments: [deadline, receiveCount + 1, firstReceivedAt, sequence])
                messages.append(
                    QueueMessage(
                        id: row[1],
                        receipt: QueueReceipt(sequence: sequence, receiveCount: receiveCount + 1),
                        body: Self.body(row[2]),
                        md5OfBody: row[3],
                        attributes: try MessageAttribute.decodeStored(row[4]),
                        callbackURL: row[5],
                        sentAt: row[6],
                        firstReceivedAt: firstReceivedAt,
                        lastError: lastError
                    )
                )
            }
            return messages
        }
    }

    func acknowledge(_ receipts: [QueueReceipt]) async throws {
        guard !receipts.isEmpty else { return }
        try await write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM messages WHERE seq = ? AND receive_count = ?")
            for receipt in receipts {
                try delete.execute(arguments: [receipt.sequence, receipt.receiveCount])
            }
        }
    }

    func fail(_ failures: [QueueFailure], policy: RetryPolicy) async throws -> [QueueReceipt] {
        guard !failures.isEmpty else { return [] }
        defer { arrivals.ring(Doorbell.visibilityChanged) }
        return try await write { db in
            let now = self.now()
            let retry = try db.cachedStatement(
                sql: """
                    UPDATE messages SET leased = 0, visible_at = ?, last_error = ?
                    WHERE seq = ? AND receive_count = ?
                    """
            )
            var deadLettered: [QueueReceipt] = []
            for failure in failures {
                let receipt = failure.receipt
                if receipt.receiveCount >= policy.maxReceives {
                    if try Self.deadLetter(
                        receipt.sequence,
                        receiveCount: receipt.receiveCount,
                        error: failure.error,
                        now: now,
                        db
                    ) {
                        deadLettered.append(receipt)
                    }
                } else {
                    let visibleAt = now + policy.delay(afterReceive: receipt.receiveCount).wholeMilliseconds
                    try retry.execute(arguments: [visibleAt, failure.error, receipt.sequence, receipt.receiveCount])
                }
            }
            return deadLettered
        }
    }

    func release(_ receipts: [QueueReceipt], after delay: Duration) async throws {
        guard !receipts.isEmpty else { return }
        defer { arrivals.ring(Doorbell.visibilityChanged) }
        try await write { db in
            let visibleAt = self.now() + delay.wholeMilliseconds
            let release = try db.cachedStatement(
                sql: """
                    UPDATE messages SET leased = 0, visible_at = ?, receive_count = receive_count - 1,
                        first_received_at = CASE WHEN receive_count = 1 THEN NULL ELSE first_received_at END
                    WHERE seq = ? AND receive_count = ?
                    """
            )
            for receipt in receipts {
                try release.execute(arguments: [visibleAt, receipt.sequence, receipt.receiveCount])
            }
        }
    }

    func nextVisibleTimes() async throws -> [String: Int64] {
        try await read { db in
            var times: [String: Int64] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT queue, MIN(visible_at) FROM messages GROUP BY queue")
            while let row = try rows.next() {
                times[row[0]] = row[1]
            }
            return times
        }
    }

    /// Stores `message` in `queue` with the id `id`, visible at `now`, inside the writer's transaction `db`.
    static func insert(
        _ message: NewMessage,
        id: String,
        md5: String,
        attributes: String?,
        into queue: String,
        now: Int64,
        _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO messages (id, queue, body, md5, attributes, callback_url, sent_at, visible_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [id, queue, databaseValue(message.body), md5, attributes, message.callbackURL, now, now])
    }

    /// Moves the message `sequence` to the dead-letter queue with `error`, if it still has `receiveCount` receives;
    /// returns whether it moved.
    static func deadLetter(
        _ sequence: Int64,
        receiveCount: Int,
        error: String,
        now: Int64,
        _ db: Database
    ) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT INTO dead_letters (id, queue, body, md5, attributes, callback_url, sent_at, first_received_at,
                                          receive_count, failed_at, last_error)
                SELECT id, queue, body, md5, attributes, callback_url, sent_at, first_received_at, receive_count, ?, ?
                FROM messages WHERE seq = ? AND receive_count = ?
                """
        ).execute(arguments: [now, error, sequence, receiveCount])
        guard db.changesCount > 0 else { return false }
        try db.cachedStatement(sql: "DELETE FROM messages WHERE seq = ?").execute(arguments: [sequence])
        return true
    }

    /// A body as the database keeps it: TEXT for text, a BLOB for bytes.
    static func databaseValue(_ body: MessageBody) -> DatabaseValue {
        switch body {
        case .text(let text): text.databaseValue
        case .binary(let bytes): Data(bytes).databaseValue
        }
    }

    /// A body read from the database.
    static func body(_ value: DatabaseValue) -> MessageBody {
        switch value.storage {
        case .string(let text): .text(text)
        case .blob(let data): .binary(Array(data))
        default: .text(value.description)
        }
    }
}
