import Foundation
import GRDB

extension SQLiteQueueStore {
    func register(_ queues: [QueueDefinition]) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM queues")
            let insert = try db.cachedStatement(sql: "INSERT INTO queues (name, function, kind) VALUES (?, ?, ?)")
            for queue in queues {
                try insert.execute(arguments: [queue.name, queue.function, queue.kind.rawValue])
            }
        }
    }

    func statistics() async throws -> [QueueStatistics] {
        let now = self.now()
        return try await read { db in
            var queues: [String: QueueStatistics] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, function, kind FROM queues") {
                queues[row[0]] = QueueStatistics(
                    name: row[0],
                    function: row[1],
                    kind: QueueDefinition.Kind(rawValue: row[2]),
                    depth: 0,
                    inFlight: 0,
                    delayed: 0,
                    deadLetters: 0
                )
            }
            let counts = try Row.fetchAll(
                db,
                sql: """
                    SELECT queue, SUM(visible_at <= :now), SUM(leased AND visible_at > :now),
                           SUM(NOT leased AND visible_at > :now), MIN(sent_at)
                    FROM messages GROUP BY queue
                    """,
                arguments: ["now": now]
            )
            for row in counts {
                let name: String = row[0]
                let oldest: Int64 = row[4]
                queues[name, default: .unregistered(name)].depth = row[1]
                queues[name]!.inFlight = row[2]
                queues[name]!.delayed = row[3]
                queues[name]!.oldestAgeSeconds = Double(max(now - oldest, 0)) / 1000
            }
            for row in try Row.fetchAll(db, sql: "SELECT queue, COUNT(*) FROM dead_letters GROUP BY queue") {
                queues[row[0], default: .unregistered(row[0])].deadLetters = row[1]
            }
            return QueueStatistics.listing(queues.values)
        }
    }

    func deadLetters(in queue: String, limit: Int) async throws -> [DeadLetter] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, queue, body, attributes, sent_at, receive_count, failed_at, last_error
                    FROM dead_letters WHERE queue = ? ORDER BY seq LIMIT ?
                    """,
                arguments: [queue, limit]
            ).map { row in
                DeadLetter(
                    id: row[0],
                    queue: row[1],
                    body: Self.body(row[2]),
                    attributes: try MessageAttribute.decodeStored(row[3]),
                    sentAt: row[4],
                    receiveCount: row[5],
                    failedAt: row[6],
                    lastError: row[7]
                )
            }
        }
    }

    func redrive(_ queue: String, ids: [String]?) async throws -> Int {
        let moved = try await write { db in
            var condition = ""
            var arguments: StatementArguments = [queue]
            if let ids {
                let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
                condition = " AND id IN (\(placeholders))"
                arguments += StatementArguments(ids)
                let found = try Set(
                    String.fetchAll(
                        db,
                        sql: "SELECT id FROM dead_letters WHERE queue = ?\(condition)",
                        arguments: arguments
                    )
                )
                if let missing = ids.first(where: { !found.contains($0) }) {
                    throw QueueError(
                        .messageNotFound,
                        "no message \"\(missing)\" in the dead-letter queue of \"\(queue)\"; nothing was redriven"
                    )
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO messages (id, queue, body, md5, attributes, callback_url, sent_at, visible_at)
                    SELECT id, queue, body, md5, attributes, callback_url, sent_at, ?
                    FROM dead_letters WHERE queue = ?\(condition) ORDER BY seq
                    """,
                arguments: [self.now()] + arguments
            )
            let moved = db.changesCount
            try db.execute(sql: "DELETE FROM dead_letters WHERE queue = ?\(condition)", arguments: arguments)
            return moved
        }
        arrivals.ring(queue)
        return moved
    }

    func purge(_ queue: String, deadLetters: Bool) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM \(deadLetters ? "dead_letters" : "messages") WHERE queue = ?",
                arguments: [queue]
            )
            return db.changesCount
        }
    }
}
