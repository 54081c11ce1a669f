import Logging
import NIOCore
import PostgresNIO

/// The ``QueueStore`` that several invokers share: the queue tables of a PostgreSQL database (see
/// ``PostgresSchema``).
///
/// Every operation is one statement, so one round trip: an enqueue batch is one multi-row `INSERT`; a lease takes the
/// oldest visible messages with `FOR UPDATE SKIP LOCKED`, so concurrent leases on any node skip each other's rows
/// instead of waiting or taking them twice, and stores their visibility deadline; receipts are fenced by the receive
/// count, so a node that answers after its lease expired changes nothing. After an enqueue commits, ``announcer``
/// tells the other nodes with a `NOTIFY`, which is only a hint (``PostgresNotificationListener`` rings ``arrivals`` on
/// it): the ``VisibilityWatcher`` reads when messages become visible every ``pollInterval``, so a message is delivered
/// without it too.
///
/// Only what a caller is told is stored waits for PostgreSQL's WAL flush: enqueues, redrives and purges. Leases,
/// acknowledgements, failures and releases commit asynchronously (``asynchronousCommit``): a crash of the database
/// server can undo the last fraction of a second of them, which at worst delivers those messages again, as a lease
/// that expired does (at-least-once delivery holds).
///
/// Times are each node's clock in milliseconds since 1970, as in ``SQLiteQueueStore``: nodes need synchronised
/// clocks (NTP); a clock that runs ahead only makes its node deliver expired leases early (at least once still
/// holds, since receipts are fenced).
///
/// ```swift
/// let store = PostgresQueueStore(database: database)
/// let sent = try await store.enqueue([NewMessage(body: .text("hello"))], to: "words")
/// ```
final class PostgresQueueStore: QueueStore {
    /// The channel `NOTIFY` carries a queue's name on when messages arrive in it.
    static let notificationChannel = "invoker_queue"

    /// The database and its connection pool.
    let database: PostgresDatabase
    /// How the store waits and polls.
    let configuration: Configuration
    /// Rings when messages are enqueued or redriven, by this store or (through `NOTIFY`) another node.
    let arrivals = Doorbell()
    /// The current time in milliseconds since the Unix epoch (injected by tests).
    let now: @Sendable () -> Int64
    /// Makes message ids.
    let ids: UUIDv7Generator
    /// Tells the other nodes about enqueued messages; `invoker serve` runs it as a service.
    let announcer: PostgresArrivalAnnouncer
    /// Gathers concurrent enqueues into shared statements.
    let insertions: PostgresMessageInsertions

    /// A condition that makes the statement's transaction commit without waiting for the WAL flush: `SET LOCAL
    /// synchronous_commit = off` inside a single statement. Uncorrelated, it is evaluated once, before any row.
    static let asynchronousCommit = "(SELECT set_config('synchronous_commit', 'off', true)) = 'off'"

    /// Creates the store on `database`, whose schema is current (``PostgresDatabase/migrate()``) and whose pool runs.
    init(
        database: PostgresDatabase,
        configuration: Configuration = Configuration(),
        now: @escaping @Sendable () -> Int64 = { EpochTime.nowMs() }
    ) {
        self.database = database
        self.configuration = configuration
        self.now = now
        self.ids = UUIDv7Generator(now: { UInt64(max(now(), 0)) })
        self.announcer = PostgresArrivalAnnouncer(client: database.client, logger: database.logger)
        self.insertions = PostgresMessageInsertions(database: database, timeout: configuration.operationTimeout)
    }

    var pollInterval: Duration { configuration.pollInterval }

    func isAvailable() async -> Bool {
        (try? await perform(timeout: configuration.probeTimeout) { client in
            try await client.query("SELECT 1").drain()
        }) != nil
    }

    /// Runs `body` with the pool, failing it with a ``QueueError`` naming the database when the database fails or
    /// does not answer within `timeout` (the operation timeout when nil).
    func perform<Value: Sendable>(
        timeout: Duration? = nil,
        _ body: @escaping @Sendable (PostgresClient) async throws -> Value
    ) async throws -> Value {
        try await Self.perform(on: database, timeout: timeout ?? configuration.operationTimeout, body)
    }

    /// Runs `body` with `database`'s pool, failing it with a ``QueueError`` naming the database when the database
    /// fails or does not answer within `timeout` (the pool waits for a connection as long as the database is down).
    static func perform<Value: Sendable>(
        on database: PostgresDatabase,
        timeout: Duration,
        _ body: @escaping @Sendable (PostgresClient) async throws -> Value
    ) async throws -> Value {
        do {
            return try await database.withClient(timeout: timeout, body)
        } catch {
            if let error = SharedDatabaseError.unwrapped(error) as? QueueError { throw error }
            throw QueueError(
                .storageFailed,
                "the queue database \(database.url.location) failed: \(SharedDatabaseError.reason(error))"
            )
        }
    }
}

extension PostgresQueueStore {
    /// How the store waits for the database and how often it is polled.
    struct Configuration: Sendable {
        /// The longest the ``VisibilityWatcher`` waits before it reads when messages become visible: the most a
        /// message enqueued by a node whose `NOTIFY` was lost waits (at most one second, as cluster mode promises).
        var pollInterval: Duration = .seconds(1)
        /// How long an operation waits for the database before it fails (an enqueue is then answered `503`).
        var operationTimeout: Duration = .seconds(5)
        /// How long the readiness probe waits for the database.
        var probeTimeout: Duration = .seconds(1)

        /// Creates a configuration with the defaults.
        init() {}
    }
}
