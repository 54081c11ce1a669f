import ArgumentParser
import Foundation
import Logging

/// `invoker prune`: deletes old invocation records by hand, by age, by count or both, and says how many.
///
/// A command of its own rather than `invoker logs prune`: `logs` takes an invocation ID as its argument, and
/// ArgumentParser reads a command's own arguments before it looks for a subcommand, so `prune` would be read as an
/// ID.
///
/// ```
/// invoker prune --older-than 7d
/// invoker prune --keep-rows 100000 --db .invoker/invocations.sqlite
/// invoker prune --older-than 30d --database postgres://invoker@db.example.com/invoker
/// ```
struct Prune: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete old invocation records.",
        discussion: """
            Deletes the records of invocations that started before --older-than (a duration ago such as 7d or \
            12h, or a time, as for `invoker logs --since`), then all but the newest --keep-rows records. Safe \
            while `invoker serve` writes to the same log: records are deleted in small transactions. The \
            server also prunes by itself, following its --retain-days and --retain-rows.
            """
    )

    /// The log to prune: the SQLite file or the shared database.
    @OptionGroup var source: InvocationLogOptions

    /// Delete invocations that started before this time.
    @Option(
        help: ArgumentHelp(
            "Delete the invocations that started before this time, or longer ago than this duration.",
            valueName: "time"
        ),
        transform: { try Logs.parseTime($0) }
    )
    var olderThan: Date?

    /// Keep at most this many invocations, the newest.
    @Option(help: ArgumentHelp("Then keep only this many invocations, the newest.", valueName: "count"))
    var keepRows: Int?

    /// Requires at least one rule, and a count that is not negative.
    func validate() throws {
        guard olderThan != nil || keepRows != nil else {
            throw ValidationError("Say what to delete: --older-than TIME, --keep-rows COUNT, or both.")
        }
        if let keepRows, keepRows < 0 {
            throw ValidationError("--keep-rows must be 0 or more, not \(keepRows).")
        }
    }

    /// Prunes the log and prints how many records were deleted.
    func run() async throws {
        print(try await prune(logger: Logger(label: "invoker")))
    }

    /// Prunes the log (the SQLite file, or the shared database) and returns the line that says how many records
    /// were deleted; throws an ``InvocationLogError`` when there is no log there.
    func prune(logger: Logger) async throws -> String {
        let deleted: Int
        let location: String
        if let url = try source.databaseURL() {
            let database = PostgresDatabase(url: url, logger: InvocationLogOptions.logger)
            _ = try await PostgresInvocationStore.open(database)
            let log = try InvocationLog(sink: PostgresInvocationSink(database: database), logger: logger)
            deleted = try await database.withRunningClient { _ in
                try await log.prune(olderThan: olderThan, keepingNewest: keepRows)
            }
            location = "\(url)"
        } else {
            guard FileManager.default.fileExists(atPath: source.path) else {
                throw InvocationLogError.databaseNotFound(at: source.path)
            }
            var configuration = InvocationLog.Configuration()
            // Wait for the server's batches rather than fail: each takes milliseconds.
            configuration.busyTimeout = .seconds(10)
            let log = try InvocationLog(path: source.path, configuration: configuration, logger: logger)
            deleted = try await log.prune(olderThan: olderThan, keepingNewest: keepRows)
            location = source.path
        }
        return "Deleted \(deleted) invocation record\(deleted == 1 ? "" : "s") from \(location)."
    }
}
