extension SQLiteQueueStore {
    /// How the store opens its database.
    struct Configuration: Sendable {
        /// How SQLite makes commits durable.
        enum Synchronous: String, Sendable {
            /// Every commit is on disk before it returns: nothing acknowledged is lost, even on power loss.
            case full
            /// Commits survive a crash of the process but the last ones may be lost on power loss (faster).
            case normal

            /// The value of SQLite's `synchronous` pragma.
            var pragma: String { rawValue.uppercased() }
        }

        /// How SQLite makes commits durable.
        var synchronous = Synchronous.full
        /// How long a write waits for another process that holds the database's write lock (`invoker queue purge`)
        /// before it fails.
        var busyTimeout: Duration = .seconds(5)

        /// Creates a configuration with the defaults.
        init() {}
    }
}
