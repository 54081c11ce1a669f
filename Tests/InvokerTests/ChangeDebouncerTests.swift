import Testing

@testable import Invoker

/// Settling changes: the pure rule, and the debouncer over a stream.
@Suite("Change debouncer")
struct ChangeDebouncerTests {
    @Test("changes settle once none came for the quiet period, each change putting the deadline off")
    func settlesAfterTheQuietPeriod() {
        let start = ContinuousClock.now
        var pending = PendingChanges<ContinuousClock.Instant>(quietPeriod: .milliseconds(200))
        #expect(pending.settle(at: start + .seconds(1)) == nil)
        let opened = [
            pending.record("/a", at: start),
            pending.record("/b", at: start + .milliseconds(100)),
            pending.record("/a", at: start + .milliseconds(150)),
        ]
        #expect(opened == [true, false, false])
        let early = pending.settle(at: start + .milliseconds(300))
        #expect(early == nil)
        let settled = pending.settle(at: start + .milliseconds(350))
        #expect(settled == ["/a", "/b"])
        #expect(pending.deadline == nil && pending.paths.isEmpty)
        let reopened = pending.record("/c", at: start + .seconds(2))
        #expect(reopened)
        let rest = pending.takeAll()
        #expect(rest == ["/c"])
        let none = pending.takeAll()
        #expect(none == nil)
    }

    @Test("a stream's changes make one set per quiet spell; what is gathered when the stream ends is delivered")
    func stream() async throws {
        let (changes, continuation) = AsyncStream.makeStream(of: String.self)
        let sets = ReportedChanges()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await ChangeDebouncer(quietPeriod: .milliseconds(100)).forEachSettledSet(of: changes) { paths in
                    sets.append(paths.sorted().joined(separator: " "))
                }
            }
            continuation.yield("/b")
            continuation.yield("/a")
            continuation.yield("/b")
            let settled = try await sets.waitUntil { $0.count == 1 }
            #expect(settled)
            continuation.yield("/c")
            continuation.finish()
        }
        #expect(sets.all == ["/a /b", "/c"])
    }
}
