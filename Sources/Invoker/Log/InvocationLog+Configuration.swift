extension InvocationLog {
    /// How the invocation log buffers and writes records.
    struct Configuration: Sendable {
        /// The most records held in memory waiting to be written.
        ///
        /// Records appended while the buffer is full are dropped, counted and reported in the log. The buffer only
        /// fills when writes fail or fall behind for a while (a full or stalled disk, a locked database); a record
        /// weighs a few hundred bytes plus its captured output, so the default bounds the buffer to some tens of
        /// megabytes plus captured output.
        var bufferCapacity = 100_000

        /// The most records written in one transaction.
        var maximumBatchSize = 4_096

        /// How long the writer lets records gather after the first one arrives, so that a steady trickle is written
        /// a batch at a time rather than one transaction per record. Records reach `invoker logs` this much later.
        var batchWindow: Duration = .milliseconds(10)

        /// How long to wait before retrying a failed write; the delay doubles with each failure of the same batch.
        var initialRetryDelay: Duration = .milliseconds(50)

        /// The longest wait between retries of a failed write.
        var maximumRetryDelay: Duration = .seconds(5)

        /// How many failed attempts at writing a batch are tolerated once shutdown has begun, before its records are
        /// given up as lost.
        var attemptsOnShutdown = 3

        /// How long a write waits for another process that holds the database's write lock (`invoker prune`,
        /// `sqlite3`) before it fails and is retried.
        var busyTimeout: Duration = .seconds(1)

        /// Records of invocations that started more than this many days ago (at least 1) are deleted; nil keeps
        /// records however old they are.
        ///
        /// The default, 30 days, keeps a month of history for `invoker logs` and `invoker stats`.
        var retainDays: Int? = 30

        /// At most this many records (0 or more) are kept, the newest (by id, that is by start time); nil keeps any
        /// number.
        ///
        /// The default, 1,000,000, bounds the database to some hundreds of megabytes on a developer machine: a record
        /// takes about 360 bytes with its indexes, plus its captured output.
        var retainRows: Int? = 1_000_000

        /// How often the writer enforces ``retainDays`` and ``retainRows``: the first time one interval after it
        /// starts, then one interval after each pass ends.
        ///
        /// Between passes the log holds up to an interval's worth of records beyond ``retainRows``; deleting a record
        /// costs about as much as writing one, so a log written at full speed for long catches up only once the load
        /// drops.
        var retentionInterval: Duration = .seconds(10)

        /// The most records one deletion removes. Each chunk is a transaction of its own, a few milliseconds long, so
        /// the writer's batches are written between chunks rather than waiting for the whole pass.
        var retentionChunkSize = 1_000

        /// Creates a configuration with the defaults.
        init() {}
    }
}
