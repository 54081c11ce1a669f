import ArgumentParser
import Logging

/// The options that name the queue database, shared by the `invoker queue` commands that read it: the SQLite file of
/// `--queue-db`, or the PostgreSQL database of `--database` (or `INVOKER_DATABASE_URL`).
struct QueueDatabaseOptions: ParsableArguments {
    /// The SQLite queue database's path.
    @Option(name: .customLong("queue-db"), help: ArgumentHelp("The queue database to read.", valueName: "path"))
    var path = SQLiteQueueStore.defaultDatabasePath

    /// The PostgreSQL database's URL.
    @Option(help: DatabaseURLOption.help)
    var database: String?

    /// Opens the store and runs `body` with it, and with `queue`'s statistics when a queue is given, checking that it
    /// is one of the store's queues: registered by `invoker serve`, or holding messages. Throws a ``QueueError`` that
    /// lists the queues otherwise.
    func withStore(
        checking queue: String? = nil,
        _ body: (any QueueStore, QueueStatistics?) async throws -> Void
    ) async throws {
        guard let url = try DatabaseURLOption.resolve(database) else {
            let store = try SQLiteQueueStore.existing(at: path)
            return try await body(store, try await statistics(of: queue, in: store, at: path))
        }
        var logger = Logger(label: "invoker")
        logger.logLevel = .error
        let database = PostgresDatabase(url: url, logger: logger)
        try await database.migrate()
        try await database.withRunningClient { _ in
            let store = PostgresQueueStore(database: database)
            try await body(store, try await statistics(of: queue, in: store, at: url.description))
        }
    }

    /// `queue`'s statistics in `store`, at `location`, or nil when no queue is given.
    private func statistics(
        of queue: String?,
        in store: any QueueStore,
        at location: String
    ) async throws -> QueueStatistics? {
        guard let queue else { return nil }
        let queues = try await store.statistics()
        guard let statistics = queues.first(where: { $0.name == queue }) else {
            let known = queues.map(\.name)
            throw QueueError(
                .queueNotFound,
                "no queue \"\(queue)\" in '\(location)'; "
                    + (known.isEmpty ? "it has no queues" : "its queues are: \(known.joined(separator: ", "))")
            )
        }
        return statistics
    }
}
