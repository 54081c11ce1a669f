import Foundation
import Testing

@testable import Invoker

/// The queue stores' contract, over each store (SQLite on a temporary file, PostgreSQL in a new database), with a
/// clock that only moves when the test says.
@Suite("Queue store", .everyStorage)
struct QueueStoreTests {
    let clock = ManualClock()
    let policy = RetryPolicy(maxRetries: 2, visibilityTimeout: .seconds(30), retryDelay: .seconds(10))

    /// Runs `body` with a new store of the kind under test.
    func withStore(_ body: (any QueueStore) async throws -> Void) async throws {
        try await withQueueStores(clock: clock) { try await body($0[0]) }
    }

    func enqueue(_ store: any QueueStore, _ bodies: [String], to queue: String = "jobs") async throws -> [String] {
        try await store.enqueue(bodies.map { NewMessage(body: .text($0)) }, to: queue).map(\.messageId)
    }

    @Test("enqueue, lease the oldest first, acknowledge: receive counts, times, digests and attributes kept")
    func leaseAndAcknowledge() async throws {
        try await withStore { store in
            let attributes = ["author": MessageAttribute(dataType: "String", stringValue: "Ada")]
            let sent = try await store.enqueue(
                [NewMessage(body: .text("one"), attributes: attributes), NewMessage(body: .text("two"))],
                to: "jobs"
            )
            #expect(sent[0].md5OfMessageBody == MD5.hex(Array("one".utf8)))
            #expect(sent[0].md5OfMessageAttributes != nil && sent[1].md5OfMessageAttributes == nil)
            clock.advance(.seconds(1))
            let third = try await enqueue(store, ["three"])
            clock.advance(.seconds(1))

            let first = try await store.lease(from: "jobs", limit: 2, policy: policy)
            #expect(first.map(\.id) == sent.map(\.messageId))
            #expect(first.map(\.body) == [.text("one"), .text("two")])
            #expect(first[0].attributes == attributes && first[1].attributes.isEmpty)
            #expect(first.allSatisfy { $0.receiveCount == 1 && $0.firstReceivedAt == clock.now })
            #expect(first[0].sentAt == clock.now - 2000)
            let second = try await store.lease(from: "jobs", limit: 10, policy: policy)
            #expect(second.map(\.id) == third)
            #expect(try await store.lease(from: "jobs", limit: 10, policy: policy).isEmpty)
            #expect(try await store.lease(from: "other", limit: 10, policy: policy).isEmpty)

            var statistics = try await store.statistics()
            #expect(statistics.map(\.name) == ["jobs"])
            #expect(statistics[0].inFlight == 3 && statistics[0].depth == 0 && statistics[0].oldestAgeSeconds == 2)
            try await store.acknowledge(first.map(\.receipt))
            statistics = try await store.statistics()
            #expect(statistics[0].inFlight == 1)
            try await store.acknowledge(second.map(\.receipt))
            #expect(try await store.statistics().isEmpty)
        }
    }

    @Test("a lease expires at its visibility deadline: the message is delivered again, the old receipt is void")
    func visibilityExpiry() async throws {
        try await withStore { store in
            let id = try await enqueue(store, ["job"])[0]
            let first = try await store.lease(from: "jobs", limit: 1, policy: policy)
            clock.advance(.milliseconds(29_999))
            #expect(try await store.lease(from: "jobs", limit: 1, policy: policy).isEmpty)
            clock.advance(.milliseconds(1))
            let second = try await store.lease(from: "jobs", limit: 1, policy: policy)
            #expect(second.map(\.id) == [id] && second[0].receiveCount == 2)
            #expect(second[0].firstReceivedAt == first[0].firstReceivedAt)
            // The first consumer answers late: its receipt no longer matches.
            try await store.acknowledge(first.map(\.receipt))
            #expect(try await store.statistics().first?.inFlight == 1)
            try await store.acknowledge(second.map(\.receipt))
            #expect(try await store.statistics().isEmpty)
        }
    }

    @Test("failures back off exponentially, then move to the dead-letter queue with the last error")
    func backoffAndDeadLetter() async throws {
        try await withStore { store in
            let id = try await enqueue(store, ["poison"])[0]
            for (receive, delay) in [(1, Duration.seconds(10)), (2, .seconds(20))] {
                let batch = try await store.lease(from: "jobs", limit: 1, policy: policy)
                #expect(batch.map(\.receiveCount) == [receive])
                let dead = try await store.fail(
                    [QueueFailure(receipt: batch[0].receipt, error: "boom \(receive)")],
                    policy: policy
                )
                #expect(dead.isEmpty)
                let statistics = try await store.statistics()[0]
                #expect(statistics.delayed == 1 && statistics.depth == 0 && statistics.inFlight == 0)
                clock.advance(delay - .milliseconds(1))
                #expect(try await store.lease(from: "jobs", limit: 1, policy: policy).isEmpty)
                clock.advance(.milliseconds(1))
            }
            let last = try await store.lease(from: "jobs", limit: 1, policy: policy)
            #expect(last.map(\.receiveCount) == [3] && last[0].lastError == "boom 2")
            let dead = try await store.fail([QueueFailure(receipt: last[0].receipt, error: "boom 3")], policy: policy)
            #expect(dead == [last[0].receipt])
            let letters = try await store.deadLetters(in: "jobs", limit: 10)
            #expect(letters.map(\.id) == [id])
            #expect(
                letters[0].lastError == "boom 3" && letters[0].receiveCount == 3 && letters[0].failedAt == clock.now
            )
            let statistics = try await store.statistics()[0]
            #expect(statistics.deadLetters == 1 && statistics.delayed == 0 && statistics.oldestAgeSeconds == nil)
        }
    }

    @Test("a lease that expires after the last allowed delivery moves the message to the dead-letter queue")
    func expiredLastLease() async throws {
        try await withStore { store in
            let policy = RetryPolicy(maxRetries: 0, visibilityTimeout: .seconds(5), retryDelay: .seconds(5))
            _ = try await enqueue(store, ["lost"])
            #expect(try await store.lease(from: "jobs", limit: 1, policy: policy).count == 1)
            clock.advance(.seconds(5))
            #expect(try await store.lease(from: "jobs", limit: 1, policy: policy).isEmpty)
            let letters = try await store.deadLetters(in: "jobs", limit: 10)
            #expect(letters.count == 1 && letters[0].lastError.contains("never answered"))
        }
    }

    @Test("a released message is delivered again without counting the receive")
    func release() async throws {
        try await withStore { store in
            _ = try await enqueue(store, ["throttled"])
            let first = try await store.lease(from: "jobs", limit: 1, policy: policy)
            try await store.release(first.map(\.receipt), after: .seconds(1))
            #expect(try await store.lease(from: "jobs", limit: 1, policy: policy).isEmpty)
            clock.advance(.seconds(1))
            let again = try await store.lease(from: "jobs", limit: 1, policy: policy)
            #expect(again.map(\.receiveCount) == [1])
        }
    }

    @Test("redrive moves dead letters back with a fresh receive count; an unknown id moves nothing; purge deletes")
    func redriveAndPurge() async throws {
        try await withStore { store in
            let policy = RetryPolicy(maxRetries: 0, visibilityTimeout: .seconds(5), retryDelay: .seconds(5))
            let ids = try await enqueue(store, ["a", "b", "c"])
            let batch = try await store.lease(from: "jobs", limit: 3, policy: policy)
            _ = try await store.fail(batch.map { QueueFailure(receipt: $0.receipt, error: "no") }, policy: policy)
            #expect(try await store.deadLetters(in: "jobs", limit: 10).map(\.id) == ids)

            await #expect(throws: QueueError.self) { try await store.redrive("jobs", ids: [ids[0], "missing"]) }
            #expect(try await store.deadLetters(in: "jobs", limit: 10).count == 3)
            #expect(try await store.redrive("jobs", ids: [ids[1]]) == 1)
            let redriven = try await store.lease(from: "jobs", limit: 10, policy: policy)
            #expect(redriven.map(\.id) == [ids[1]] && redriven[0].receiveCount == 1)
            #expect(try await store.redrive("jobs", ids: nil) == 2)
            #expect(try await store.deadLetters(in: "jobs", limit: 10).isEmpty)
            #expect(try await store.statistics()[0].depth == 2)

            #expect(try await store.purge("jobs", deadLetters: false) == 3)
            #expect(try await store.statistics().isEmpty)
        }
    }

    @Test("bodies that are not UTF-8 stay bytes; registered queues are listed, async ones once used")
    func bodiesAndRegistration() async throws {
        try await withStore { store in
            try await store.register([
                QueueDefinition(name: "words", function: "wordcount", kind: .queue),
                QueueDefinition(name: "async:wordcount", function: "wordcount", kind: .async),
            ])
            #expect(try await store.statistics().map(\.name) == ["words"])
            _ = try await store.enqueue([NewMessage(body: MessageBody([0xFF, 0x00, 0xC3]))], to: "async:wordcount")
            let statistics = try await store.statistics()
            #expect(statistics.map(\.name) == ["words", "async:wordcount"])
            #expect(statistics[1].function == "wordcount" && statistics[1].kind == .async && statistics[1].depth == 1)
            let message = try await store.lease(from: "async:wordcount", limit: 1, policy: policy)
            #expect(message.map(\.body) == [.binary([0xFF, 0x00, 0xC3])])
        }
    }

    @Test("concurrent consumers, in one store and through a second one (another node), never lease the same message")
    func concurrentLeases() async throws {
        try await withQueueStores(2, clock: clock) { stores in
            let ids = try await enqueue(stores[0], (0..<2_000).map { "m\($0)" })
            let leased = try await withThrowingTaskGroup(of: [String].self) { group in
                for consumer in 0..<8 {
                    group.addTask {
                        let store = stores[consumer % 2]
                        var mine: [String] = []
                        while true {
                            let batch = try await store.lease(from: "jobs", limit: 10, policy: policy)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                            try await store.acknowledge(batch.map(\.receipt))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(leased.count == ids.count)
            #expect(Set(leased) == Set(ids))
        }
    }

    @Test("leases are kept in the database: a new store on it delivers an expired lease again")
    func leasesSurviveReopening() async throws {
        try await withQueueStores(2, clock: clock) { stores in
            let (store, reopened) = (stores[0], stores[1])
            let id = try await enqueue(store, ["job"])[0]
            #expect(try await store.lease(from: "jobs", limit: 1, policy: policy).count == 1)
            #expect(try await reopened.lease(from: "jobs", limit: 1, policy: policy).isEmpty)
            clock.advance(.seconds(30))
            let again = try await reopened.lease(from: "jobs", limit: 1, policy: policy)
            #expect(again.map(\.id) == [id] && again[0].receiveCount == 2)
        }
    }

    @Test("retry delays double from the first, up to the cap")
    func retryDelays() {
        let policy = RetryPolicy(maxRetries: 10, visibilityTimeout: .seconds(30), retryDelay: .seconds(30))
        #expect((1...6).map { policy.delay(afterReceive: $0) } == [30, 60, 120, 240, 480, 900].map { .seconds($0) })
        #expect(policy.delay(afterReceive: 500) == .seconds(900))
        let long = RetryPolicy(maxRetries: 1, visibilityTimeout: .seconds(3600), retryDelay: .seconds(3600))
        #expect(long.delay(afterReceive: 3) == .seconds(3600))
    }

    @Test("the doorbell wakes a waiter rung after its mark, does not miss an earlier ring, and times out")
    func doorbell() async throws {
        let bell = Doorbell()
        let mark = bell.mark("jobs")
        bell.ring("jobs")
        let started = ContinuousClock.now
        // Woken, not timed out: a minute's timeout against a bound of 30 s holds on a loaded machine too.
        await bell.wait("jobs", after: mark, timeout: .seconds(60))
        #expect(ContinuousClock.now - started < .seconds(30))
        let unrung = bell.mark("jobs")
        await bell.wait("jobs", after: unrung, timeout: .milliseconds(50))
        // Rung while the waiter parks or after it has: either way the ring after its mark wakes it.
        async let woken: Void = bell.wait("jobs", after: unrung, timeout: .seconds(60))
        bell.ring("other")
        bell.ring("jobs")
        await woken
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
