import Logging
import ServiceLifecycle

/// The queue store `invoker serve` was told to use, opened: the SQLite file beside the manifest, or the PostgreSQL
/// database of `--database` with its schema brought up to date, and the services each needs.
struct QueueStoreSetup: Sendable {
    /// The store.
    let store: any QueueStore
    /// The shared PostgreSQL database, migrated, whose pool is among ``databaseServices``; nil for SQLite.
    let database: PostgresDatabase?
    /// What the store's queries go through (the PostgreSQL connection pool): listed first, so it stops last.
    let databaseServices: [any Service]
    /// What runs beside the consumers (the PostgreSQL notification listener and announcer).
    let services: [any Service]

    /// Opens the store `configuration` names; throws a ``QueueError`` or ``SharedDatabaseError`` saying why it cannot.
    init(_ configuration: ServerConfiguration, logger: Logger) async throws {
        guard let url = configuration.database else {
            store = try SQLiteQueueStore(
                path: configuration.resolvedQueueDatabasePath,
                configuration: configuration.queue
            )
            database = nil
            databaseServices = []
            services = []
            return
        }
        let database = PostgresDatabase(url: url, logger: logger)
        try await database.migrate()
        let store = PostgresQueueStore(database: database, configuration: configuration.postgresQueue)
        self.store = store
        self.database = database
        databaseServices = [database.client]
        services = [PostgresNotificationListener(store: store, logger: logger), store.announcer]
    }
}
