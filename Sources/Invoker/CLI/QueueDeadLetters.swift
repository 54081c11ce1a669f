import ArgumentParser

/// `invoker queue dlq QUEUE`: the messages of a queue's dead-letter queue with their last error.
struct QueueDeadLetters: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Show the messages of a queue's dead-letter queue with their last error, oldest first."
    )

    /// The queue.
    @Argument(help: "The queue (async:NAME for a function's asynchronous invocations).")
    var queue: String

    /// The database to read.
    @OptionGroup var database: QueueDatabaseOptions

    /// The most messages shown.
    @Option(help: "Show at most this many messages.")
    var limit = 50

    /// Print JSON instead of a table.
    @Flag(help: "Print JSON: one object per message, one per line, with the whole body and error.")
    var json = false

    /// Rejects a limit below 1.
    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, not \(limit).") }
    }

    /// Reads the dead-letter queue and prints it.
    func run() async throws {
        try await database.withStore(checking: queue) { store, statistics in
            let messages = try await store.deadLetters(in: queue, limit: limit)
            let formatter = QueueFormatter()
            if json {
                for message in messages { print(try formatter.json(message)) }
            } else if messages.isEmpty {
                print("The dead-letter queue of \(queue) is empty.")
            } else {
                print(formatter.table(messages))
                if let total = statistics?.deadLetters, total > messages.count {
                    print("(\(messages.count) of \(total); --limit shows more)")
                }
            }
        }
    }
}
