import NIOCore
import PostgresNIO

extension PostgresQueueStore {
    /// Replaces the registered queues with `queues` on a connection of its own: it runs at start, before the pool's
    /// service does. Nodes starting together with one manifest write the same rows, so it upserts instead of
    /// deleting and inserting them all.
    func register(_ queues: [QueueDefinition]) async throws {
        let names = queues.map(\.name)
        let functions = queues.map(\.function)
        let kinds = queues.map(\.kind.rawValue)
        do {
            try await database.withConnection { connection in
                try await connection.withTransaction(logger: database.logger) { connection in
                    try await connection.query(
                        "DELETE FROM queue_queues WHERE NOT (name = ANY(\(names)::TEXT[]))",
                        logger: database.logger
                    ).drain()
                    try await connection.query(
                        """
                        INSERT INTO queue_queues (name, function, kind)
                        SELECT * FROM unnest(\(names)::TEXT[], \(functions)::TEXT[], \(kinds)::TEXT[])
                        ON CONFLICT (name) DO UPDATE SET function = excluded.function, kind = excluded.kind
                        """,
                        logger: database.logger
                    ).drain()
                }
            }
        } catch let error as SharedDatabaseError {
            throw QueueError(.cannotOpen, error.message)
        } catch {
            throw QueueError(
                .storageFailed,
                "registering the queues in \(database.url.location) failed: \(SharedDatabaseError.reason(error))"
            )
        }
    }

    func statistics() async throws -> [QueueStatistics] {
        let now = self.now()
        return try await perform { client in
            var queues: [String: QueueStatistics] = [:]
            for try await (name, function, kind) in try await client.query(
                "SELECT name, function, kind FROM queue_queues"
            ).decode((String, String, String).self) {
                queues[name] = QueueStatistics(
                    name: name,
                    function: function,
                    kind: QueueDefinition.Kind(rawValue: kind),
                    depth: 0,
                    inFlight: 0,
                    delayed: 0,
                    deadLetters: 0
                )
            }
            let counts = try await client.query(
                """
                SELECT queue, COUNT(*) FILTER (WHERE visible_at <= \(now)),
                       COUNT(*) FILTER (WHERE leased AND visible_at > \(now)),
                       COUNT(*) FILTER (WHERE NOT leased AND visible_at > \(now)), MIN(sent_at)
                FROM queue_messages GROUP BY queue
                """
            )
            for try await (name, depth, inFlight, delayed, oldest) in counts.decode((String, Int, Int, Int, Int64).self)
            {
                queues[name, default: .unregistered(name)].depth = depth
                queues[name]!.inFlight = inFlight
                queues[name]!.delayed = delayed
                queues[name]!.oldestAgeSeconds = Double(max(now - oldest, 0)) / 1000
            }
            for try await (name, count) in try await client.query(
                "SELECT queue, COUNT(*) FROM queue_dead_letters GROUP BY queue"
            ).decode((String, Int).self) {
                queues[name, default: .unregistered(name)].deadLetters = count
            }
            return QueueStatistics.listing(queues.values)
        }
    }

    func deadLetters(in queue: String, limit: Int) async throws -> [DeadLetter] {
        try await perform { client in
            var letters: [DeadLetter] = []
            let rows = try await client.query(
                """
                SELECT id, queue, body, body_is_text, attributes, sent_at, receive_count, failed_at, last_error
                FROM queue_dead_letters WHERE queue = \(queue) ORDER BY seq LIMIT \(limit)
                """
            )
            for try await (id, queue, body, isText, attributes, sentAt, receiveCount, failedAt, lastError)
                in rows.decode(
                    (String, String, ByteBuffer, Bool, String?, Int64, Int, Int64, String).self
                )
            {
                letters.append(
                    DeadLetter(
                        id: id,
                        queue: queue,
                        body: Self.body(body, isText: isText),
                        attributes: try MessageAttribute.decodeStored(attributes),
                        sentAt: sentAt,
                        receiveCount: receiveCount,
                        failedAt: failedAt,
                        lastError: lastError
                    )
                )
            }
            return letters
        }
    }

    func redrive(_ queue: String, ids: [String]?) async throws -> Int {
        let now = self.now()
        let channel = Self.notificationChannel
        let logger = database.logger
        let moved = try await perform { client in
            try await client.withTransaction(logger: logger) { connection in
                if let ids {
                    var found: Set<String> = []
                    for try await id in try await connection.query(
                        """
                        SELECT id FROM queue_dead_letters WHERE queue = \(queue) AND id = ANY(\(ids)::TEXT[])
                        FOR UPDATE
                        """,
                        logger: logger
                    ).decode(String.self) {
                        found.insert(id)
                    }
                    if let missing = ids.first(where: { !found.contains($0) }) {
                        throw QueueError(
                            .messageNotFound,
                            "no message \"\(missing)\" in the dead-letter queue of \"\(queue)\"; nothing was redriven"
                        )
                    }
                }
                var moved = 0
                for try await count in try await connection.query(
                    """
                    WITH letters AS (
                        DELETE FROM queue_dead_letters
                        WHERE queue = \(queue) AND (\(ids == nil) OR id = ANY(\(ids ?? [])::TEXT[]))
                        RETURNING *
                    ), inserted AS (
                        INSERT INTO queue_messages (id, queue, body, body_is_text, md5, attributes, callback_url,
                                                    sent_at, visible_at)
                        SELECT id, queue, body, body_is_text, md5, attributes, callback_url, sent_at, \(now)
                        FROM letters ORDER BY seq
                        RETURNING seq
                    )
                    SELECT COUNT(*) FROM inserted
                    """,
                    logger: logger
                ).decode(Int.self) {
                    moved = count
                }
                // Sent when the transaction commits.
                try await connection.query("SELECT pg_notify(\(channel), \(queue))", logger: logger).drain()
                return moved
            }
        }
        arrivals.ring(queue)
        return moved
    }

    func purge(_ queue: String, deadLetters: Bool) async throws -> Int {
        try await perform { client in
            let query: PostgresQuery =
                deadLetters
                ? "WITH deleted AS (DELETE FROM queue_dead_letters WHERE queue = \(queue) RETURNING 1) SELECT COUNT(*) FROM deleted"
                : "WITH deleted AS (DELETE FROM queue_messages WHERE queue = \(queue) RETURNING 1) SELECT COUNT(*) FROM deleted"
            var count = 0
            for try await deleted in try await client.query(query).decode(Int.self) {
                count = deleted
            }
            return count
        }
    }
}
