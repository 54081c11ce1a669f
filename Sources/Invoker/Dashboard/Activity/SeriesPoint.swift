/// One second of a function's time series, as the charts draw it.
struct SeriesPoint: Codable, Sendable, Equatable {
    /// The second, in seconds since the Unix epoch.
    var t: Int64
    /// Invocations that ended in it, by status: requests per second by status.
    var statuses: StatusCounts
    /// Their median duration, in milliseconds; nil without invocations.
    var p50: Double?
    /// Their 95th percentile duration, in milliseconds.
    var p95: Double?
    /// Their 99th percentile duration, in milliseconds.
    var p99: Double?
    /// The live workers by state; nil when they were not sampled.
    var workers: WorkerCounts?
    /// Invocations that started a worker.
    var coldStarts: Int

    /// The point of `slot`.
    init(_ slot: SecondSlot) {
        t = slot.second
        statuses = slot.statuses
        p50 = slot.durations.percentile(0.5)
        p95 = slot.durations.percentile(0.95)
        p99 = slot.durations.percentile(0.99)
        workers = slot.workers
        coldStarts = slot.coldStarts
    }
}
