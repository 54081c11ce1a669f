import ArgumentParser

/// `invoker queue redrive QUEUE [--id ID ...]`: moves dead-lettered messages back to their queue.
struct QueueRedrive: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Move messages from a queue's dead-letter queue back to the queue.",
        discussion: """
            The messages keep their ids and become visible at once with a fresh receive count, so they get every \
            retry again. Without --id, every message of the dead-letter queue moves. A running invoker picks them \
            up within a second.
            """
    )

    /// The queue.
    @Argument(help: "The queue (async:NAME for a function's asynchronous invocations).")
    var queue: String

    /// The messages to move.
    @Option(name: .customLong("id"), help: ArgumentHelp("Move only this message; repeat for several.", valueName: "id"))
    var ids: [String] = []

    /// The database to change.
    @OptionGroup var database: QueueDatabaseOptions

    /// Moves the messages and says how many moved.
    func run() async throws {
        try await database.withStore(checking: queue) { store, _ in
            let moved = try await store.redrive(queue, ids: ids.isEmpty ? nil : ids)
            print("Moved \(moved) message\(moved == 1 ? "" : "s") from the dead-letter queue of \(queue) back to it.")
        }
    }
}
