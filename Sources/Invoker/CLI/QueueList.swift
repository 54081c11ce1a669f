import ArgumentParser

/// `invoker queue list`: every queue with its depth, in-flight and delayed messages, dead-letter queue depth and the
/// age of its oldest message.
struct QueueList: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the queues with their depth, in-flight and delayed messages, DLQ depth and oldest message.",
        discussion: """
            DEPTH counts the messages waiting for a consumer, IN FLIGHT those being processed, DELAYED those that \
            failed and wait for their retry, DLQ those in the dead-letter queue; OLDEST is the age of the oldest \
            message not yet processed. A function's asynchronous invocations queue (async:NAME) shows once used.
            """
    )

    /// The database to read.
    @OptionGroup var database: QueueDatabaseOptions

    /// Print JSON instead of a table.
    @Flag(help: "Print JSON, as GET /system/queues answers.")
    var json = false

    /// Reads the queues and prints them.
    func run() async throws {
        try await database.withStore { store, _ in
            let queues = try await store.statistics()
            print(json ? try QueueFormatter().json(queues) : QueueFormatter().table(queues))
        }
    }
}
