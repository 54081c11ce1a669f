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

        /// How long to wait before retrying a failed write; the delay doubles with each failure of the same batch.
        var initialRetryDelay: Duration = .milliseconds(50)

        /// The longest wait between retries of a failed write.
        var maximumRetryDelay: Duration = .seconds(5)

        /// How many failed attempts at writing a batch are tolerated once shutdown has begun, before its records are
        /// given up as lost.
        var attemptsOnShutdown = 3

        /// Creates a configuration with the defaults.
        init() {}
    }
}
