import NIOCore
import PostgresNIO

extension PostgresQueueStore {
    func enqueue(_ messages: [NewMessage], to queue: String) async throws -> [SentMessage] {
        guard !messages.isEmpty else { return [] }
        let now = self.now()
        let rows = try messages.map { message in
            PostgresMessageInsertions.Row(
                id: self.ids.next(),
                queue: queue,
                body: message.body,
                md5: MD5.hex(message.body.bytes),
                attributes: try MessageAttribute.storedJSON(message.attributes),
                callbackURL: message.callbackURL,
                sentAt: now
            )
        }
        try await insertions.insert(rows)
        announcer.announce(queue)
        arrivals.ring(queue)
        return zip(rows, messages).map { row, message in
            SentMessage(
                messageId: row.id,
                md5OfMessageBody: row.md5,
                md5OfMessageAttributes: MessageAttribute.digest(of: message.attributes)
            )
        }
    }

    func lease(from queue: String, limit: Int, policy: RetryPolicy) async throws -> [QueueMessage] {
        let now = self.now()
        let deadline = now + policy.visibilityTimeout.wholeMilliseconds
        let maxReceives = policy.maxReceives
        let statement = PostgresQueueStatements.Lease(
            queue: queue,
            now: now,
            limit: Int64(limit),
            maxReceives: Int64(maxReceives),
            deadline: deadline
        )
        let rows = try await perform { client in
            var rows: [PostgresQueueStatements.Lease.Row] = []
            for try await row in try await client.execute(statement) {
                rows.append(row)
            }
            return rows
        }
        var leased: [(visibleAt: Int64, message: QueueMessage)] = []
        for row in rows {
            let (
                visibleAt, sequence, id, body, isText, md5, attributes, callbackURL, sentAt, firstReceivedAt,
                receiveCount, lastError
            ) = row
            leased.append(
                (
                    visibleAt,
                    QueueMessage(
                        id: id,
                        receipt: QueueReceipt(sequence: sequence, receiveCount: receiveCount),
                        body: Self.body(body, isText: isText),
                        md5OfBody: md5,
                        attributes: try MessageAttribute.decodeStored(attributes),
                        callbackURL: callbackURL,
                        sentAt: sentAt,
                        firstReceivedAt: firstReceivedAt,
                        lastError: lastError
                    )
                )
            )
        }
        return leased.sorted {
            ($0.visibleAt, $0.message.receipt.sequence) < ($1.visibleAt, $1.message.receipt.sequence)
        }
        .map(\.message)
    }

    func acknowledge(_ receipts: [QueueReceipt]) async throws {
        guard !receipts.isEmpty else { return }
        let statement = PostgresQueueStatements.Acknowledge(
            sequences: receipts.map(\.sequence),
            receiveCounts: receipts.map { Int64($0.receiveCount) }
        )
        try await perform { client in
            for try await _ in try await client.execute(statement) {}
        }
    }

    func fail(_ failures: [QueueFailure], policy: RetryPolicy) async throws -> [QueueReceipt] {
        guard !failures.isEmpty else { return [] }
        defer { arrivals.ring(Doorbell.visibilityChanged) }
        let now = self.now()
        let sequences = failures.map(\.receipt.sequence)
        let counts = failures.map(\.receipt.receiveCount)
        let errors = failures.map(\.error)
        let dead = failures.map { $0.receipt.receiveCount >= policy.maxReceives }
        let visibleAts = failures.map { now + policy.delay(afterReceive: $0.receipt.receiveCount).wholeMilliseconds }
        let rows = try await perform { client in
            try await client.query(
                """
                WITH failures AS (
                    SELECT * FROM unnest(\(sequences)::BIGINT[], \(counts)::BIGINT[], \(visibleAts)::BIGINT[],
                                         \(errors)::TEXT[], \(dead)::BOOLEAN[])
                        AS f(seq, receive_count, visible_at, error, dead)
                    WHERE \(unescaped: Self.asynchronousCommit)
                ), retried AS (
                    UPDATE queue_messages m SET leased = false, visible_at = f.visible_at, last_error = f.error
                    FROM failures f
                    WHERE NOT f.dead AND m.seq = f.seq AND m.receive_count = f.receive_count
                    RETURNING m.seq
                ), moved AS (
                    DELETE FROM queue_messages m USING failures f
                    WHERE f.dead AND m.seq = f.seq AND m.receive_count = f.receive_count
                    RETURNING m.seq, m.id, m.queue, m.body, m.body_is_text, m.md5, m.attributes, m.callback_url,
                              m.sent_at, m.first_received_at, m.receive_count, f.error
                ), letters AS (
                    INSERT INTO queue_dead_letters (id, queue, body, body_is_text, md5, attributes, callback_url,
                                                    sent_at, first_received_at, receive_count, failed_at, last_error)
                    SELECT id, queue, body, body_is_text, md5, attributes, callback_url, sent_at, first_received_at,
                           receive_count, \(now), error
                    FROM moved ORDER BY seq
                )
                SELECT seq, receive_count FROM moved
                """
            ).collect()
        }
        let moved = try Set(
            rows.map { row in
                let (sequence, receiveCount) = try row.decode((Int64, Int).self)
                return QueueReceipt(sequence: sequence, receiveCount: receiveCount)
            }
        )
        return failures.map(\.receipt).filter(moved.contains)
    }

    func release(_ receipts: [QueueReceipt], after delay: Duration) async throws {
        guard !receipts.isEmpty else { return }
        defer { arrivals.ring(Doorbell.visibilityChanged) }
        let visibleAt = now() + delay.wholeMilliseconds
        let sequences = receipts.map(\.sequence)
        let counts = receipts.map(\.receiveCount)
        try await perform { client in
            try await client.query(
                """
                UPDATE queue_messages m
                SET leased = false, visible_at = \(visibleAt), receive_count = m.receive_count - 1,
                    first_received_at = CASE WHEN m.receive_count = 1 THEN NULL ELSE m.first_received_at END
                FROM unnest(\(sequences)::BIGINT[], \(counts)::BIGINT[]) AS r(seq, receive_count)
                WHERE m.seq = r.seq AND m.receive_count = r.receive_count AND \(unescaped: Self.asynchronousCommit)
                """
            ).drain()
        }
    }

    func nextVisibleTimes() async throws -> [String: Int64] {
        try await perform { client in
            var times: [String: Int64] = [:]
            let rows = try await client.query("SELECT queue, MIN(visible_at) FROM queue_messages GROUP BY queue")
            for try await (queue, visibleAt) in rows.decode((String, Int64).self) {
                times[queue] = visibleAt
            }
            return times
        }
    }

    /// A body read from the database.
    static func body(_ bytes: ByteBuffer, isText: Bool) -> MessageBody {
        isText ? .text(String(buffer: bytes)) : .binary(Array(buffer: bytes))
    }
}
