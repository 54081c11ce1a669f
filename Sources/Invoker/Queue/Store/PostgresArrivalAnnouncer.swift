import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Tells the other nodes which queues received messages: a `NOTIFY` on ``PostgresQueueStore/notificationChannel``
/// per queue, sent after the messages are committed, in a transaction of its own.
///
/// A `NOTIFY` in the enqueue's own transaction would hold PostgreSQL's notification lock through that transaction's
/// commit, WAL flush included, so that every enqueue waited for the one before (about 500 commits a second here). The
/// announcer instead gathers the queues announced within ``interval`` of a `NOTIFY` and names them all in the next
/// one, committed without waiting for the WAL (a lost notification only makes another node see the messages at its
/// next poll). It runs as a service; without it (commands that enqueue once) nothing is announced and nodes poll.
///
/// ```swift
/// let announcer = PostgresArrivalAnnouncer(client: database.client, logger: logger)
/// announcer.announce("words")  // after the messages are committed
/// ```
final class PostgresArrivalAnnouncer: Service {
    /// The shortest time between two `NOTIFY`s: how late, at most, the other nodes hear of arrivals because of the
    /// gathering (their own polling bounds it in any case).
    static let interval: Duration = .milliseconds(10)

    /// The pool the notifications go through.
    let client: PostgresClient
    /// Where failures are reported (at debug level: notifications are hints).
    let logger: Logger
    /// The queues announced since the last `NOTIFY`.
    private let pending = Mutex<Set<String>>([])
    /// Wakes ``run()`` when a queue is announced.
    private let wakeUps: AsyncStream<Void>
    /// The sending side of ``wakeUps``.
    private let wakeUpContinuation: AsyncStream<Void>.Continuation

    /// An announcer sending through `client`.
    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        (wakeUps, wakeUpContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Announces that messages were committed to `queue`; never waits.
    func announce(_ queue: String) {
        if pending.withLock({ $0.insert(queue).inserted }) {
            wakeUpContinuation.yield()
        }
    }

    /// Sends the announcements until graceful shutdown or cancellation.
    func run() async {
        for await _ in wakeUps.cancelOnGracefulShutdown() {
            let queues = pending.withLock { queues in
                defer { queues = [] }
                return Array(queues)
            }
            guard !queues.isEmpty else { continue }
            do {
                try await client.query(
                    """
                    SELECT pg_notify(\(PostgresQueueStore.notificationChannel), queue)
                    FROM unnest(\(queues)::TEXT[]) AS queue
                    WHERE \(unescaped: PostgresQueueStore.asynchronousCommit)
                    """
                ).drain()
            } catch {
                logger.debug(
                    "Announcing queue arrivals failed; other nodes see them at their next poll",
                    metadata: [LogKey.error: "\(SharedDatabaseError.reason(error))"]
                )
            }
            // Announcements made meanwhile wait for the next `NOTIFY`: under load, one every interval at most.
            try? await Task.sleep(for: Self.interval)
        }
    }
}
