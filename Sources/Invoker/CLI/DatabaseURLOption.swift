import ArgumentParser
import Foundation

/// The `--database` option of `invoker serve` and the `invoker queue` commands (`invoker logs`, `stats` and `prune`
/// have their own help, in ``InvocationLogOptions``): a PostgreSQL URL, defaulting to the `INVOKER_DATABASE_URL`
/// environment variable.
enum DatabaseURLOption {
    /// The help of `--database`.
    static let help = ArgumentHelp(
        "A PostgreSQL database for the queue and the invocation log, shared by several invokers:"
            + " postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require|verify-ca|verify-full].",
        discussion: "Defaults to the \(PostgresURL.environmentVariable) environment variable; without either, the"
            + " queue is the SQLite file of --queue-db (and `invoker serve` writes its log to the file of --db).",
        valueName: "url"
    )

    /// The URL given as `option`, else in the environment, else nil; a malformed one is a ``ValidationError`` that
    /// names where it came from and what is wrong (never the password).
    static func resolve(_ option: String?) throws -> PostgresURL? {
        let environment = ProcessInfo.processInfo.environment[PostgresURL.environmentVariable]
        guard let text = option ?? environment.flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        do {
            return try PostgresURL(text)
        } catch let error as SharedDatabaseError {
            throw ValidationError(
                (option == nil ? "\(PostgresURL.environmentVariable): " : "--database: ") + error.message
            )
        }
    }
}
