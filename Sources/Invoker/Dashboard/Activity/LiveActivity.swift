import Foundation
import Synchronization

/// What the dashboard shows live, kept in memory: each function's time series (a ``SeriesRing``) and the newest
/// invocations. Every recorded invocation is counted here (``record(_:)``: two short locks, no allocation in a busy
/// second), the ``LiveActivitySampler`` notes the workers each second, and the pages and the event stream read it.
///
/// ```swift
/// activity.record(record)
/// let points = activity.points(of: "hello", count: 900, endingAt: now)
/// ```
final class LiveActivity: Sendable {
    /// How many of the newest invocations are kept for the event stream.
    static let recentCapacity = 256

    private let series = Mutex<[String: SeriesRing]>([:])
    private let recent = Mutex(RecentInvocations(capacity: LiveActivity.recentCapacity))
    private let capacity: Int

    /// Keeps `capacity` seconds of each function's series.
    init(capacity: Int = SeriesRing.defaultCapacity) {
        self.capacity = capacity
    }

    /// Counts `record` in its function's series (in the second it ended) and among the newest invocations.
    func record(_ record: InvocationRecord) {
        let second = Int64(record.endedAt.timeIntervalSince1970.rounded(.down))
        series.withLock { series in
            series[record.function, default: SeriesRing(capacity: capacity)]
                .record(record.status, milliseconds: record.durationMs, cold: record.cold, second: second)
        }
        recent.withLock { $0.append(record) }
    }

    /// Notes the live workers of `function` during `second`.
    func sample(_ workers: WorkerCounts, of function: String, second: Int64) {
        series.withLock { series in
            series[function, default: SeriesRing(capacity: capacity)].sample(workers, second: second)
        }
    }

    /// The `count` seconds of `function` that end with `last`, oldest first (at most the seconds kept).
    func slots(of function: String, count: Int, endingAt last: Int64) -> [SecondSlot] {
        let count = min(count, capacity)
        // Copied out under the lock (the slots' buffers are shared, not copied); read outside it.
        return series.withLock { series in series[function]?.slots(count: count, endingAt: last) }
            ?? (0..<count).map { SecondSlot(second: last - Int64(count - 1 - $0)) }
    }

    /// The `count` seconds of `function` that end with `last` as chart points, oldest first.
    func points(of function: String, count: Int, endingAt last: Int64) -> [SeriesPoint] {
        slots(of: function, count: count, endingAt: last).map(SeriesPoint.init)
    }

    /// The invocations of `function` in the `seconds` seconds that end with `last`.
    func summary(of function: String, seconds: Int, endingAt last: Int64) -> WindowSummary {
        WindowSummary(slots(of: function, count: seconds, endingAt: last), seconds: min(seconds, capacity))
    }

    /// The sequence number of the newest invocation; 0 before the first.
    var lastSequence: Int { recent.withLock { $0.lastSequence } }

    /// The invocations after sequence number `sequence`, oldest first, at most the newest `limit`.
    func invocations(after sequence: Int, limit: Int) -> [InvocationSummary] {
        recent.withLock { $0.after(sequence, limit: limit) }
    }

    /// The second now, in seconds since the Unix epoch.
    static func currentSecond() -> Int64 {
        Int64(Date().timeIntervalSince1970.rounded(.down))
    }
}
