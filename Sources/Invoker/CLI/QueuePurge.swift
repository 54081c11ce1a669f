import ArgumentParser
import Foundation

/// `invoker queue purge QUEUE`: deletes every message of a queue, or of its dead-letter queue, after confirmation.
struct QueuePurge: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete every message of a queue (or of its dead-letter queue), messages in flight included.",
        discussion: "Asks for confirmation on a terminal; --yes skips it, and is required when the input is not one."
    )

    /// The queue.
    @Argument(help: "The queue (async:NAME for a function's asynchronous invocations).")
    var queue: String

    /// Purge the dead-letter queue instead.
    @Flag(help: "Purge the queue's dead-letter queue instead of the queue.")
    var dlq = false

    /// Skip the confirmation.
    @Flag(name: [.customShort("y"), .long], help: "Do not ask for confirmation.")
    var yes = false

    /// The database to change.
    @OptionGroup var database: QueueDatabaseOptions

    /// Asks for confirmation, deletes the messages and says how many were deleted.
    func run() async throws {
        try await database.withStore(checking: queue) { store, statistics in
            let what = dlq ? "the dead-letter queue of \(queue)" : "queue \(queue)"
            if !yes {
                guard isatty(STDIN_FILENO) == 1 else {
                    FileHandle.standardError.write(
                        Data(
                            ("Error: refusing to purge \(what) without confirmation: the input is not a terminal;"
                                + " pass --yes to purge it.\n").utf8
                        )
                    )
                    throw ExitCode.failure
                }
                let count =
                    dlq ? statistics?.deadLetters ?? 0 : statistics.map { $0.depth + $0.inFlight + $0.delayed } ?? 0
                print("Delete all \(count) messages of \(what)? This cannot be undone. [y/N] ", terminator: "")
                guard let answer = readLine()?.lowercased(), answer == "y" || answer == "yes" else {
                    print("Nothing was deleted.")
                    return
                }
            }
            let deleted = try await store.purge(queue, deadLetters: dlq)
            print("Deleted \(deleted) message\(deleted == 1 ? "" : "s") from \(what).")
        }
    }
}
