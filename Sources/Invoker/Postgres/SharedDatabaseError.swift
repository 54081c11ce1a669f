import PostgresNIO

/// An error of the PostgreSQL database the nodes share: what was wrong and where.
struct SharedDatabaseError: Error, Sendable, CustomStringConvertible {
    /// What kind of error this is.
    enum Code: String, Sendable {
        /// The database URL is malformed or asks for something unsupported.
        case invalidURL
        /// The database cannot be reached or refused the connection.
        case unreachable
        /// The database's schema is newer than this invoker knows.
        case schemaTooNew
        /// A migration failed.
        case migrationFailed
    }

    /// What kind of error this is.
    var code: Code
    /// What went wrong, for people.
    var message: String

    /// Creates an error.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }

    /// What `error`, thrown by PostgresNIO, says: the server's message when it sent one, else the kind of failure and
    /// its cause. (A `PSQLError`'s own description hides everything, to keep queries out of logs by accident.)
    static func reason(_ error: any Error) -> String {
        guard let error = unwrapped(error) as? PSQLError else { return "\(unwrapped(error))" }
        if let message = error.serverInfo?[.message] {
            return error.serverInfo?[.sqlState].map { "\(message) (SQLSTATE \($0))" } ?? message
        }
        return error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
    }

    /// The error a transaction's closure threw (or, failing that, its `BEGIN`, `COMMIT` or rollback), out of the
    /// wrapper PostgresNIO puts around it; any other error as it is.
    static func unwrapped(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError else { return error }
        return transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction
            .rollbackError
            ?? error
    }
}
