/// A durable store of queue messages: what producers enqueue into and consumers lease from.
///
/// Messages are leased, not removed: a leased message is invisible until its visibility deadline, which is kept in
/// the store, so a consumer that dies (or an invoker that is killed) loses nothing: the message becomes visible again
/// and is delivered to the next lease (at-least-once delivery). A consumer acknowledges the messages it processed
/// (they are deleted) and fails the others (they become visible again after a backoff, or move to the queue's
/// dead-letter queue once they were delivered `policy.maxReceives` times).
///
/// Every method is safe to call from many tasks at once; no two leases return the same message while its lease
/// holds. ``SQLiteQueueStore`` is the embedded implementation; ``PostgresQueueStore`` the one several invokers share.
///
/// ```swift
/// let sent = try await store.enqueue([NewMessage(body: .text("hello"))], to: "words")
/// let batch = try await store.lease(from: "words", limit: 10, policy: policy)
/// try await store.acknowledge(batch.map(\.receipt))
/// ```
protocol QueueStore: ScheduleStore {
    /// Rings when messages may have become visible in a queue: after an enqueue or a redrive.
    var arrivals: Doorbell { get }

    /// The longest the ``VisibilityWatcher`` waits before it reads ``nextVisibleTimes()`` again: how late a message
    /// that no doorbell announced (enqueued by another process, or a lease that expired) is seen at worst.
    var pollInterval: Duration { get }

    /// Whether the store can take messages now (readiness: `/readyz`).
    func isAvailable() async -> Bool

    /// Records the queues the invoker serves and which function consumes each, replacing the previous list; queues
    /// keep their messages whether they are listed or not.
    func register(_ queues: [QueueDefinition]) async throws

    /// Stores `messages` in `queue`, visible at once; returns once they are committed, with their ids in order.
    func enqueue(_ messages: [NewMessage], to queue: String) async throws -> [SentMessage]

    /// Leases up to `limit` visible messages of `queue`, oldest first, until `policy.visibilityTimeout` from now;
    /// each lease counts as a receive. Messages whose lease expired after their last allowed receive move to the
    /// dead-letter queue instead.
    func lease(from queue: String, limit: Int, policy: RetryPolicy) async throws -> [QueueMessage]

    /// Deletes leased messages that were processed. A receipt whose message was leased again since (its lease had
    /// expired) is ignored.
    func acknowledge(_ receipts: [QueueReceipt]) async throws

    /// Fails leased messages: each becomes visible again after `policy`'s backoff for its receive count, or moves to
    /// the dead-letter queue with its error when it was received `policy.maxReceives` times. Returns the receipts of
    /// the messages that moved to the dead-letter queue.
    func fail(_ failures: [QueueFailure], policy: RetryPolicy) async throws -> [QueueReceipt]

    /// Gives leased messages back without counting the receive (their invocation never ran), visible after `delay`.
    func release(_ receipts: [QueueReceipt], after delay: Duration) async throws

    /// For every queue that holds messages, when its next message becomes visible (now or earlier for one waiting;
    /// a lease's end for a leased one), in milliseconds since the Unix epoch.
    func nextVisibleTimes() async throws -> [String: Int64]

    /// Every registered or non-empty queue with its counts (a function's asynchronous queue once it holds messages).
    func statistics() async throws -> [QueueStatistics]

    /// The messages of `queue`'s dead-letter queue, oldest first, at most `limit`.
    func deadLetters(in queue: String, limit: Int) async throws -> [DeadLetter]

    /// Moves dead-lettered messages of `queue` back to it, visible at once with a fresh receive count: those with
    /// the ids `ids`, or all when nil. Returns how many moved; throws a ``QueueError`` naming an id that is not in the
    /// dead-letter queue (and then moves none).
    func redrive(_ queue: String, ids: [String]?) async throws -> Int

    /// Deletes every message of `queue` (leased ones too), or of its dead-letter queue; returns how many.
    func purge(_ queue: String, deadLetters: Bool) async throws -> Int
}
