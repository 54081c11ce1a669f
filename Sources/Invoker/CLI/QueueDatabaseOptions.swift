import ArgumentParser

/// The option that names the queue database, shared by the `invoker queue` commands that read it.
struct QueueDatabaseOptions: ParsableArguments {
    /// The queue database's path.
    @Option(name: .customLong("queue-db"), help: ArgumentHelp("The queue database to read.", valueName: "path"))
    var path = SQLiteQueueStore.defaultDatabasePath

    /// Opens the store, and checks that `queue` is one of its queues when given: registered by `invoker serve`, or
    /// holding messages. Throws a ``QueueError`` that lists the queues otherwise.
    func open(checking queue: String? = nil) async throws -> (SQLiteQueueStore, QueueStatistics?) {
        let store = try SQLiteQueueStore.existing(at: path)
        guard let queue else { return (store, nil) }
        let queues = try await store.statistics()
        guard let statistics = queues.first(where: { $0.name == queue }) else {
            let known = queues.map(\.name)
            throw QueueError(
                .queueNotFound,
                "no queue \"\(queue)\" in '\(path)'; "
                    + (known.isEmpty ? "it has no queues" : "its queues are: \(known.joined(separator: ", "))")
            )
        }
        return (store, statistics)
    }
}
