import ArgumentParser
import Logging

/// The options that say where `invoker logs`, `invoker stats` and `invoker prune` find the invocation log: the
/// SQLite file of `--db`, or the PostgreSQL database of `--database` (or `INVOKER_DATABASE_URL`) that nodes share.
struct InvocationLogOptions: ParsableArguments {
    /// The SQLite file's path.
    @Option(name: .customLong("db"), help: ArgumentHelp("The invocation log's SQLite file.", valueName: "path"))
    var path = InvocationLog.defaultDatabasePath

    /// The PostgreSQL database's URL.
    @Option(
        help: ArgumentHelp(
            "The PostgreSQL database several invokers share, to use instead of --db:"
                + " postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…].",
            discussion: "Defaults to the \(PostgresURL.environmentVariable) environment variable. The database must"
                + " hold an invocation log: `invoker serve --database URL` creates it. No invoker needs to be running.",
            valueName: "url"
        )
    )
    var database: String?

    /// The shared database's URL, if one is given here or in the environment; throws a `ValidationError` for a
    /// malformed one.
    func databaseURL() throws -> PostgresURL? {
        try DatabaseURLOption.resolve(database)
    }

    /// Opens the log for reading and runs `body` with it: the SQLite file, or the shared database (with a connection
    /// pool that runs while `body` does). Throws an ``InvocationLogError`` when there is no log there, a
    /// ``SharedDatabaseError`` when the database cannot be reached.
    func withStore<Value: Sendable>(_ body: (any InvocationStore) async throws -> Value) async throws -> Value {
        guard let url = try databaseURL() else {
            return try await body(SQLiteInvocationStore(path: path))
        }
        let database = PostgresDatabase(url: url, logger: Self.logger)
        let store = try await PostgresInvocationStore.open(database)
        return try await database.withRunningClient { _ in try await body(store) }
    }

    /// The commands' logger for the database's connections: errors only, since failures are reported as errors.
    static var logger: Logger {
        var logger = Logger(label: "invoker")
        logger.logLevel = .error
        return logger
    }
}
