extension LogKey {
    /// How many records a batch of the invocation log holds.
    static let logRecords = "invocation_log.records"
    /// Which attempt at writing a batch failed.
    static let logAttempt = "invocation_log.attempt"
    /// How many records were ignored because their ids were already in the log.
    static let logDuplicates = "invocation_log.duplicates"
    /// How many records were dropped because the buffer was full.
    static let logDropped = "invocation_log.dropped"
    /// How many records the buffer holds at most.
    static let logCapacity = "invocation_log.capacity"
    /// How many records a retention pass deleted.
    static let logPruned = "invocation_log.pruned"
}
