/// An error from writing or reading the invocation log; `message` says what went wrong and where.
struct InvocationLogError: Error, CustomStringConvertible {
    /// What kind of failure this is, for code that reacts to it.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A name for the code, for logs.
        let description: String

        /// The database could not be opened, created or migrated.
        static let cannotOpen = Code(description: "cannotOpen")
        /// The database failed or did not answer while the log was read.
        static let cannotRead = Code(description: "cannotRead")
        /// There is no database file at the given path.
        static let databaseNotFound = Code(description: "databaseNotFound")
        /// The file at the given path is not an invocation log.
        static let notAnInvocationLog = Code(description: "notAnInvocationLog")
        /// No invocation has the given id, or an id with the given prefix.
        static let invocationNotFound = Code(description: "invocationNotFound")
        /// Several invocations have ids with the given prefix.
        static let ambiguousPrefix = Code(description: "ambiguousPrefix")
        /// The given text cannot be an invocation id or a prefix of one.
        static let invalidID = Code(description: "invalidID")
        /// Records could not be written and were given up on during shutdown.
        static let recordsLost = Code(description: "recordsLost")
        /// A retention setting is out of range: a negative count, or fewer than one day.
        static let invalidRetention = Code(description: "invalidRetention")
    }

    /// What kind of failure this is.
    var code: Code
    /// What went wrong and where, for people.
    var message: String

    /// The message.
    var description: String { message }

    /// The error for a log that does not exist at `path`, saying how to create one.
    static func databaseNotFound(at path: String) -> InvocationLogError {
        InvocationLogError(
            code: .databaseNotFound,
            message: "no invocation log at '\(path)': run `invoker serve` first (it creates the log), "
                + "or give the path of an existing log"
        )
    }
}
