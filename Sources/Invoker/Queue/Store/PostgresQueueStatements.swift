import NIOCore
import PostgresNIO

/// The queue store's statements that run for every message, prepared once per connection: PostgreSQL then skips
/// parsing and, after a few runs, planning them (planning the lease took about a millisecond, longer than running it).
enum PostgresQueueStatements {
    /// Stores messages, visible at their send time, in the order given. Arrays of optional values cannot be bound: an
    /// empty string stands for no attributes and no callback (neither is ever empty).
    struct Insert: PostgresPreparedStatement {
        static let sql = """
            INSERT INTO queue_messages (id, queue, body, body_is_text, md5, attributes, callback_url, sent_at, visible_at)
            SELECT m.id, m.queue, m.body, m.is_text, m.md5, NULLIF(m.attributes, ''), NULLIF(m.callback_url, ''),
                   m.sent_at, m.sent_at
            FROM unnest($1::TEXT[], $2::TEXT[], $3::BYTEA[], $4::BOOLEAN[], $5::TEXT[], $6::TEXT[], $7::TEXT[],
                        $8::BIGINT[])
                 WITH ORDINALITY AS m(id, queue, body, is_text, md5, attributes, callback_url, sent_at, position)
            ORDER BY m.position
            """
        typealias Row = Void

        /// The messages, one array element each.
        var ids: [String]
        var queues: [String]
        var bodies: [ByteBuffer]
        var texts: [Bool]
        var md5s: [String]
        var attributes: [String]
        var callbacks: [String]
        var sentAts: [Int64]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 8)
            bindings.append(ids)
            bindings.append(queues)
            bindings.append(bodies)
            bindings.append(texts)
            bindings.append(md5s)
            bindings.append(attributes)
            bindings.append(callbacks)
            bindings.append(sentAts)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }

    /// Leases up to `limit` visible messages of `queue` until `deadline`; in the same statement, moves to the
    /// dead-letter queue the candidates whose last allowed delivery (`maxReceives`) was never answered (both sets are
    /// disjoint). Commits asynchronously (see ``PostgresQueueStore``).
    struct Lease: PostgresPreparedStatement {
        static let sql = """
            WITH candidates AS (
                SELECT seq, visible_at FROM queue_messages
                WHERE queue = $1 AND visible_at <= $2 AND \(PostgresQueueStore.asynchronousCommit)
                ORDER BY visible_at, seq LIMIT $3
                FOR UPDATE SKIP LOCKED
            ), expired AS (
                DELETE FROM queue_messages m USING candidates c
                WHERE m.seq = c.seq AND m.leased AND m.receive_count >= $4
                RETURNING m.*
            ), dead AS (
                INSERT INTO queue_dead_letters (id, queue, body, body_is_text, md5, attributes, callback_url, sent_at,
                                                first_received_at, receive_count, failed_at, last_error)
                SELECT id, queue, body, body_is_text, md5, attributes, callback_url, sent_at, first_received_at,
                       receive_count, $2,
                       'delivery ' || receive_count || ' was never answered before its lease expired (the invoker'
                           || ' may have stopped)' || COALESCE('; the delivery before failed with: ' || last_error, '')
                FROM expired ORDER BY seq
            )
            UPDATE queue_messages m
            SET leased = true, visible_at = $5, receive_count = m.receive_count + 1,
                first_received_at = COALESCE(m.first_received_at, $2)
            FROM candidates c
            WHERE m.seq = c.seq AND NOT (m.leased AND m.receive_count >= $4)
            RETURNING c.visible_at, m.seq, m.id, m.body, m.body_is_text, m.md5, m.attributes, m.callback_url,
                      m.sent_at, m.first_received_at, m.receive_count, m.last_error
            """
        typealias Row = (Int64, Int64, String, ByteBuffer, Bool, String, String?, String?, Int64, Int64, Int, String?)

        var queue: String
        /// Now, in milliseconds since 1970.
        var now: Int64
        var limit: Int64
        var maxReceives: Int64
        /// When the leases end, in milliseconds since 1970.
        var deadline: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 5)
            bindings.append(queue)
            bindings.append(now)
            bindings.append(limit)
            bindings.append(maxReceives)
            bindings.append(deadline)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            try row.decode(Row.self)
        }
    }

    /// Deletes the messages of the receipts whose receive count still matches. Commits asynchronously.
    struct Acknowledge: PostgresPreparedStatement {
        static let sql = """
            DELETE FROM queue_messages m
            USING unnest($1::BIGINT[], $2::BIGINT[]) AS r(seq, receive_count)
            WHERE m.seq = r.seq AND m.receive_count = r.receive_count AND \(PostgresQueueStore.asynchronousCommit)
            """
        typealias Row = Void

        var sequences: [Int64]
        var receiveCounts: [Int64]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(sequences)
            bindings.append(receiveCounts)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }
}
