/// What one function did during one second: a slot of its ``SeriesRing``.
struct SecondSlot: Sendable, Equatable {
    /// The second, in seconds since the Unix epoch; the slot holds nothing for any other second.
    var second: Int64
    /// The invocations that ended in it, by status.
    var statuses = StatusCounts()
    /// Their durations (refused callers, which ran nothing, are left out).
    var durations = DurationHistogram()
    /// How many of them started a worker.
    var coldStarts = 0
    /// The workers as the sampler found them during the second; nil when it did not look.
    var workers: WorkerCounts?
}
