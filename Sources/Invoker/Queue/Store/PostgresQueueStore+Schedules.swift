import NIOCore
import PostgresNIO

extension PostgresQueueStore {
    /// One statement records the slots and enqueues the messages of the slots it recorded: a slot another node
    /// recorded first conflicts and is left out (its `INSERT` waits for that node's transaction, then skips the row),
    /// so only one node's message is ever stored for it.
    func fire(_ firings: [ScheduleFiring]) async throws -> [SentMessage?] {
        guard !firings.isEmpty else { return [] }
        let now = self.now()
        let ids = firings.map { _ in self.ids.next() }
        let md5s = firings.map { MD5.hex($0.message.body.bytes) }
        let functions = firings.map(\.key.function)
        let schedules = firings.map(\.key.schedule)
        let slots = firings.map(\.scheduledAtMs)
        let queues = firings.map { QueueDefinition.asyncQueueName(of: $0.key.function) }
        let bodies = firings.map { ByteBuffer(bytes: $0.message.body.bytes) }
        let texts = firings.map { !$0.message.body.isBinary }
        let attributes = try firings.map { try MessageAttribute.storedJSON($0.message.attributes) ?? "" }
        let nodes = firings.map { $0.node ?? "" }
        let sent = try await perform { client in
            try await client.query(
                """
                WITH f AS (
                    SELECT * FROM unnest(\(functions)::TEXT[], \(schedules)::TEXT[], \(slots)::BIGINT[], \(ids)::TEXT[],
                                         \(queues)::TEXT[], \(bodies)::BYTEA[], \(texts)::BOOLEAN[], \(md5s)::TEXT[],
                                         \(attributes)::TEXT[], \(nodes)::TEXT[])
                        WITH ORDINALITY AS f(function, schedule, scheduled_at, id, queue, body, is_text, md5, attributes,
                                             node, position)
                ), fired AS (
                    INSERT INTO schedule_firings (function, schedule, scheduled_at, fired_at, message_id, node)
                    SELECT function, schedule, scheduled_at, \(now), id, NULLIF(node, '') FROM f ORDER BY position
                    ON CONFLICT DO NOTHING
                    RETURNING message_id
                ), messages AS (
                    INSERT INTO queue_messages (id, queue, body, body_is_text, md5, attributes, sent_at, visible_at)
                    SELECT f.id, f.queue, f.body, f.is_text, f.md5, NULLIF(f.attributes, ''), \(now), \(now)
                    FROM f JOIN fired ON fired.message_id = f.id ORDER BY f.position
                    RETURNING id
                )
                SELECT id FROM messages
                """
            ).decode(String.self).reduce(into: Set<String>()) { $0.insert($1) }
        }
        for queue in Set(zip(ids, queues).filter { sent.contains($0.0) }.map(\.1)) {
            announcer.announce(queue)
            arrivals.ring(queue)
        }
        return zip(ids, md5s).map { id, md5 in
            sent.contains(id) ? SentMessage(messageId: id, md5OfMessageBody: md5, md5OfMessageAttributes: nil) : nil
        }
    }

    func latestFirings() async throws -> [ScheduleKey: ScheduleFiringRecord] {
        try await perform { client in
            let rows = try await client.query(
                """
                SELECT DISTINCT ON (function, schedule) function, schedule, scheduled_at, fired_at, message_id, node
                FROM schedule_firings ORDER BY function, schedule, scheduled_at DESC
                """
            )
            var latest: [ScheduleKey: ScheduleFiringRecord] = [:]
            for try await (function, schedule, slot, firedAt, messageId, node) in rows.decode(
                (String, String, Int64, Int64, String, String?).self
            ) {
                latest[ScheduleKey(function: function, schedule: schedule)] = ScheduleFiringRecord(
                    scheduledAtMs: slot,
                    firedAtMs: firedAt,
                    messageId: messageId,
                    node: node
                )
            }
            return latest
        }
    }

    func pruneFirings(of key: ScheduleKey, before cutoffMs: Int64) async throws -> Int {
        let (function, schedule) = (key.function, key.schedule)
        return try await perform { client in
            try await client.query(
                """
                WITH deleted AS (
                    DELETE FROM schedule_firings
                    WHERE function = \(function) AND schedule = \(schedule) AND scheduled_at < \(cutoffMs)
                      AND scheduled_at < (SELECT MAX(scheduled_at) FROM schedule_firings
                                          WHERE function = \(function) AND schedule = \(schedule))
                    RETURNING 1
                )
                SELECT COUNT(*) FROM deleted
                """
            ).decode(Int64.self).reduce(0) { $0 + Int($1) }
        }
    }
}
