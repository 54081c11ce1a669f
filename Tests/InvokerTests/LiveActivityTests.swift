import Foundation
import Testing

@testable import Invoker

/// The dashboard's in-memory time series: duration buckets, the ring of seconds, the windows and the newest
/// invocations.
@Suite("Live activity: ring buffers and percentiles")
struct LiveActivityTests {
    @Test("a percentile read from the buckets is within 9% of the exact one")
    func percentiles() {
        var histogram = DurationHistogram()
        let durations = (1...1000).map { Double($0) * 0.05 }  // 0.05 ms … 50 ms
        for duration in durations { histogram.add(milliseconds: duration) }
        for quantile in [0.5, 0.95, 0.99] {
            let exact = durations[Int((quantile * 1000).rounded(.up)) - 1]
            let estimate = try! #require(histogram.percentile(quantile))
            #expect(abs(estimate - exact) / exact < 0.09, "p\(quantile): \(estimate) against \(exact)")
        }
        #expect(DurationHistogram().percentile(0.5) == nil)
    }

    @Test("durations past either end count in the first and the last bucket")
    func bucketEnds() {
        #expect(DurationHistogram.bucket(of: 0) == 0)
        #expect(DurationHistogram.bucket(of: 0.01) == 0)
        #expect(DurationHistogram.bucket(of: 1e9) == DurationHistogram.bucketCount - 1)
        #expect(DurationHistogram.bucket(of: 0.02) == 4)  // one doubling: four buckets
    }

    @Test("merging two histograms counts both")
    func merge() {
        var a = DurationHistogram()
        var b = DurationHistogram()
        a.add(milliseconds: 1)
        b.add(milliseconds: 100)
        b.add(milliseconds: 100)
        a.merge(b)
        #expect(a.total == 3)
        #expect(a.percentile(0.34)! > 50)
        #expect(a.percentile(0.33)! < 2)
    }

    @Test("a ring counts each second in its slot and summarises a window")
    func window() {
        var ring = SeriesRing(capacity: 60)
        ring.record(.success, milliseconds: 2, cold: true, second: 1000)
        ring.record(.success, milliseconds: 2, cold: false, second: 1000)
        ring.record(.error, milliseconds: 4, cold: false, second: 1001)
        ring.record(.success, milliseconds: 2, cold: false, second: 1059)
        let summary = ring.summary(seconds: 60, endingAt: 1059)
        #expect(summary.requests == 4)
        #expect(summary.requestsPerSecond == 4.0 / 60)
        #expect(summary.errorRate == 0.25)
        #expect(summary.coldShare == 0.25)
        #expect(ring.slot(1000).statuses.success == 2)
        #expect(ring.slot(1000).coldStarts == 1)
        // A window that ends earlier leaves out what came after it.
        #expect(ring.summary(seconds: 2, endingAt: 1001).requests == 3)
    }

    @Test("a second the ring has moved past reads empty; a slot is reused one lap later and old seconds are dropped")
    func wrapAround() {
        var ring = SeriesRing(capacity: 10)
        ring.record(.success, milliseconds: 1, cold: false, second: 100)
        ring.record(.success, milliseconds: 1, cold: false, second: 110)  // the same slot, one lap later
        #expect(ring.slot(100).statuses.total == 0)
        #expect(ring.slot(110).statuses.total == 1)
        ring.record(.success, milliseconds: 1, cold: false, second: 100)  // too old now: ignored
        #expect(ring.slot(110).statuses.total == 1)
        let slots = ring.slots(count: 25, endingAt: 110)
        #expect(slots.count == 10)
        #expect(slots.map(\.second) == Array(101...110))
        #expect(slots.map(\.statuses.total) == Array(repeating: 0, count: 9) + [1])
    }

    @Test("refused callers count as requests and failures but not as durations; workers are sampled per second")
    func unauthorizedAndWorkers() {
        var ring = SeriesRing()
        ring.record(.unauthorized, milliseconds: 0, cold: false, second: 5)
        ring.record(.success, milliseconds: 8, cold: false, second: 5)
        ring.sample(WorkerCounts(starting: 1, idle: 2, busy: 3), second: 5)
        let point = SeriesPoint(ring.slot(5))
        #expect(point.statuses.total == 2)
        #expect(point.p50.map { abs($0 - 8) / 8 < 0.09 } == true)
        #expect(point.workers == WorkerCounts(starting: 1, idle: 2, busy: 3))
        #expect(SeriesPoint(ring.slot(6)).workers == nil)
    }

    @Test("the newest invocations: bounded, read after a sequence number")
    func recent() {
        var recent = RecentInvocations(capacity: 3)
        #expect(recent.lastSequence == 0)
        for index in 1...5 { recent.append(Self.record(id: "id-\(index)")) }
        #expect(recent.lastSequence == 5)
        #expect(recent.after(0, limit: 10).map(\.id) == ["id-3", "id-4", "id-5"])
        #expect(recent.after(3, limit: 10).map(\.id) == ["id-4", "id-5"])
        #expect(recent.after(3, limit: 1).map(\.id) == ["id-5"])
        #expect(recent.after(5, limit: 10).isEmpty)
    }

    @Test("LiveActivity files each record under its function and the second it ended")
    func activity() {
        let activity = LiveActivity(capacity: 60)
        let end = Date(timeIntervalSince1970: 2_000_000_000.5)
        activity.record(Self.record(id: "a", function: "hello", endedAt: end))
        activity.record(Self.record(id: "b", function: "other", endedAt: end))
        let points = activity.points(of: "hello", count: 2, endingAt: 2_000_000_000)
        #expect(points.map(\.t) == [1_999_999_999, 2_000_000_000])
        #expect(points.map(\.statuses.success) == [0, 1])
        #expect(activity.summary(of: "nobody", seconds: 60, endingAt: 2_000_000_000).requests == 0)
        #expect(activity.invocations(after: 0, limit: 10).map(\.function) == ["hello", "other"])
    }

    private static func record(
        id: String,
        function: String = "hello",
        endedAt: Date = Date()
    ) -> InvocationRecord {
        InvocationRecord(
            id: id,
            function: function,
            trigger: .http,
            startedAt: endedAt,
            endedAt: endedAt,
            durationMs: 1,
            waitMs: 0,
            cold: false,
            status: .success,
            requestBytes: 0,
            responseBytes: 0
        )
    }
}
