/// A function's invocations over a window of time (the last minute, the last 15 minutes), as the overview shows
/// them.
struct WindowSummary: Codable, Sendable, Equatable {
    /// The window's length, in seconds.
    var seconds: Int
    /// The invocations that ended in it.
    var requests: Int
    /// ``requests`` per second over the window.
    var requestsPerSecond: Double
    /// The share of them that did not succeed, 0…1; nil without invocations.
    var errorRate: Double?
    /// Their median duration, in milliseconds.
    var p50: Double?
    /// Their 99th percentile duration, in milliseconds.
    var p99: Double?
    /// The share of them that started a worker, 0…1.
    var coldShare: Double?

    /// The summary of `slots`, the slots of a window `seconds` long.
    init(_ slots: some Sequence<SecondSlot>, seconds: Int) {
        var statuses = StatusCounts()
        var durations = DurationHistogram()
        var coldStarts = 0
        for slot in slots {
            statuses.add(slot.statuses)
            durations.merge(slot.durations)
            coldStarts += slot.coldStarts
        }
        self.seconds = seconds
        requests = statuses.total
        requestsPerSecond = Double(requests) / Double(max(seconds, 1))
        errorRate = requests > 0 ? Double(statuses.failures) / Double(requests) : nil
        p50 = durations.percentile(0.5)
        p99 = durations.percentile(0.99)
        coldShare = requests > 0 ? Double(coldStarts) / Double(requests) : nil
    }
}
