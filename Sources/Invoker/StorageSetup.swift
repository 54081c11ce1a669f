import Logging
import ServiceLifecycle

/// The storage `invoker serve` was told to use, opened: the queue store, where the invocation log is written and
/// read from, and the services they need. Without `--database`, SQLite files beside the manifest; with it, the
/// PostgreSQL database the nodes share, its schema brought up to date once and one connection pool for all.
struct StorageSetup: Sendable {
    /// The queue store.
    let queueStore: any QueueStore
    /// Where the invocation log's writer puts records.
    let logSink: any InvocationSink
    /// Where `/system/invocations` reads records.
    let invocationStore: any InvocationStore
    /// The shared database, when there is one.
    let database: PostgresDatabase?
    /// What the stores' queries go through (the PostgreSQL connection pool): listed first, so it stops last.
    let databaseServices: [any Service]
    /// What runs beside the queue consumers (the PostgreSQL notification listener and announcer).
    let queueServices: [any Service]

    /// Opens the storage `configuration` names; throws a ``QueueError``, ``InvocationLogError`` or
    /// ``SharedDatabaseError`` saying why it cannot.
    init(_ configuration: ServerConfiguration, logger: Logger) async throws {
        guard let url = configuration.database else {
            queueStore = try SQLiteQueueStore(
                path: configuration.resolvedQueueDatabasePath,
                configuration: configuration.queue
            )
            logSink = try SQLiteInvocationSink(
                path: configuration.resolvedDatabasePath,
                busyTimeout: configuration.retention.busyTimeout
            )
            invocationStore = try SQLiteInvocationStore(path: configuration.resolvedDatabasePath)
            database = nil
            databaseServices = []
            queueServices = []
            return
        }
        let database = PostgresDatabase(url: url, logger: logger)
        try await database.migrate()
        let queueStore = PostgresQueueStore(database: database, configuration: configuration.postgresQueue)
        self.queueStore = queueStore
        logSink = PostgresInvocationSink(database: database)
        invocationStore = PostgresInvocationStore(database: database)
        self.database = database
        databaseServices = [database.client]
        queueServices = [PostgresNotificationListener(store: queueStore, logger: logger), queueStore.announcer]
    }
}
