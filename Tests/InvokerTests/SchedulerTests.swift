import Foundation
import Logging
import Runtime
import Testing

@testable import Invoker

/// The scheduler loop on a clock that moves only when the test moves it, against a real SQLite queue database: each
/// slot fires once, restarts catch up as `catchUp` says, and two schedulers on one database share the slots.
@Suite("Scheduler")
struct SchedulerTests {
    /// The whole second the tests' slots count from: slot `k` is `base + k` seconds.
    static let base = Date(timeIntervalSince1970: 1_796_198_400)  // 2026-12-02T08:00:00Z

    /// Slot `k`.
    static func slot(_ k: Int) -> Date { base.addingTimeInterval(TimeInterval(k)) }

    /// A schedule of function `f`.
    static func schedule(
        _ name: String = "tick",
        _ expression: String = "rate(1 second)",
        catchUp: ScheduleDefinition.CatchUp = .latest,
        window: Duration = .seconds(86_400),
        input: JSONValue? = nil
    ) throws -> ScheduleDefinition {
        var schedule = ScheduleDefinition(
            function: "f",
            name: name,
            text: expression,
            expression: try ScheduleExpression(parsing: expression),
            timeZone: TimeZone(identifier: "UTC")!
        )
        schedule.catchUp = catchUp
        schedule.maximumWindow = window
        schedule.input = input
        return schedule
    }

    /// A queue database in a fresh folder.
    static func makeStore(at path: String? = nil) throws -> SQLiteQueueStore {
        try SQLiteQueueStore(
            path: path
                ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("scheduler-\(UUID().uuidString)/queue.sqlite").path
        )
    }

    /// Takes every message queued for `f` so far: the schedules and slots they fire, oldest first.
    static func take(from store: SQLiteQueueStore) async throws -> [(schedule: String, slot: Int)] {
        let policy = RetryPolicy(maxRetries: 0, visibilityTimeout: .seconds(3_600), retryDelay: .seconds(1))
        let messages = try await store.lease(
            from: QueueDefinition.asyncQueueName(of: "f"),
            limit: 10_000,
            policy: policy
        )
        return try messages.map { message in
            let slot = try #require(ScheduledMessage.slot(of: message))
            return (slot.schedule, Int(slot.scheduledAt.timeIntervalSince(base)))
        }.sorted { $0.slot < $1.slot }
    }

    /// Runs `scheduler` while `body` runs, then cancels it.
    static func running(_ schedulers: [Scheduler], _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for scheduler in schedulers { group.addTask { try await scheduler.run() } }
            try await body()
            group.cancelAll()
        }
    }

    static let logger = Logger(label: "scheduler-test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("a rate fires every slot once, in order, as the clock reaches it")
    func firesEachSlot() async throws {
        let store = try Self.makeStore()
        let clock = TestScheduleClock(Self.slot(0).addingTimeInterval(0.5))
        let scheduler = Scheduler(schedules: [try Self.schedule()], store: store, clock: clock, logger: Self.logger)
        try await Self.running([scheduler]) {
            for k in 1...10 {
                #expect(await clock.waitForSleepers(until: Self.slot(k)), "the scheduler waits for slot \(k)")
                clock.advance(to: Self.slot(k))
            }
            #expect(await clock.waitForSleepers(until: Self.slot(11)))
        }
        #expect(try await Self.take(from: store).map(\.slot) == Array(1...10))
        let latest = try await store.latestFirings()[ScheduleKey(function: "f", schedule: "tick")]
        #expect(latest?.scheduledAtMs == EpochTime.ms(Self.slot(10)))
    }

    @Test(
        "on restart, the slots missed while stopped fire as catchUp says, within maximumWindow",
        arguments: [
            (ScheduleDefinition.CatchUp.all, 86_400, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
            (.latest, 86_400, [1, 2, 3, 8, 9]),
            (.none, 86_400, [1, 2, 3, 9]),
            (.all, 3, [1, 2, 3, 6, 7, 8, 9]),
        ]
    )
    func catchUp(_ catchUp: ScheduleDefinition.CatchUp, window: Int, expected: [Int]) async throws {
        let store = try Self.makeStore()
        let schedule = try Self.schedule(catchUp: catchUp, window: .seconds(window))
        let clock = TestScheduleClock(Self.slot(0).addingTimeInterval(0.5))
        try await Self.running([Scheduler(schedules: [schedule], store: store, clock: clock, logger: Self.logger)]) {
            for k in 1...3 {
                #expect(await clock.waitForSleepers(until: Self.slot(k)))
                clock.advance(to: Self.slot(k))
            }
            #expect(await clock.waitForSleepers(until: Self.slot(4)))
        }
        // Stopped from slot 4 to slot 8.
        clock.advance(to: Self.slot(8).addingTimeInterval(0.5))
        let restarted = Scheduler(schedules: [schedule], store: store, clock: clock, logger: Self.logger)
        try await Self.running([restarted]) {
            #expect(await clock.waitForSleepers(until: Self.slot(9)))
            clock.advance(to: Self.slot(9))
            #expect(await clock.waitForSleepers(until: Self.slot(10)))
        }
        #expect(try await Self.take(from: store).map(\.slot) == expected)
    }

    @Test("a one-time schedule whose time passed while no invoker ran fires on start, within its window, once")
    func missedOneTime() throws {
        var once = try Self.schedule("once", "at(2026-12-02T08:00:05)")
        let now = EpochTime.ms(Self.slot(8))
        let slot = EpochTime.ms(Self.slot(5))
        #expect(once.missedSlots(lastFiredMs: nil, nowMs: now) == [slot])
        #expect(once.missedSlots(lastFiredMs: slot, nowMs: now).isEmpty)
        #expect(once.missedSlots(lastFiredMs: nil, nowMs: EpochTime.ms(Self.slot(4))).isEmpty)
        once.maximumWindow = .seconds(2)
        #expect(once.missedSlots(lastFiredMs: nil, nowMs: now).isEmpty)
        once.maximumWindow = .seconds(86_400)
        once.catchUp = .none
        #expect(once.missedSlots(lastFiredMs: nil, nowMs: now).isEmpty)
        // A recurring schedule without a firing is new: it starts with its next slot.
        #expect(try Self.schedule(catchUp: .all).missedSlots(lastFiredMs: nil, nowMs: now).isEmpty)
    }

    @Test("two schedulers on one database (two invokers) fire each slot once between them")
    func twoSchedulersShareSlots() async throws {
        let first = try Self.makeStore()
        let second = try SQLiteQueueStore(path: first.path)
        let clock = TestScheduleClock(Self.slot(0).addingTimeInterval(0.5))
        let schedulers = try [(first, "a"), (second, "b")].map { store, node in
            Scheduler(
                schedules: [try Self.schedule()],
                store: store,
                clock: clock,
                node: NodeIdentity(configured: node, host: "127.0.0.1", port: 0),
                logger: Self.logger
            )
        }
        try await Self.running(schedulers) {
            for k in 1...20 {
                #expect(await clock.waitForSleepers(until: Self.slot(k), count: 2))
                clock.advance(to: Self.slot(k))
            }
            #expect(await clock.waitForSleepers(until: Self.slot(21), count: 2))
        }
        #expect(try await Self.take(from: first).map(\.slot) == Array(1...20))
        let node = try await first.latestFirings()[ScheduleKey(function: "f", schedule: "tick")]?.node
        #expect(node == "a" || node == "b")
    }

    @Test("update(schedules:) starts a new schedule and stops a removed one")
    func update() async throws {
        let store = try Self.makeStore()
        let clock = TestScheduleClock(Self.slot(0).addingTimeInterval(0.5))
        let tick = try Self.schedule()
        let even = try Self.schedule("even", "rate(2 seconds)")
        let scheduler = Scheduler(schedules: [tick], store: store, clock: clock, logger: Self.logger)
        try await Self.running([scheduler]) {
            #expect(await clock.waitForSleepers(until: Self.slot(1)))
            clock.advance(to: Self.slot(1))
            #expect(await clock.waitForSleepers(until: Self.slot(2)))
            // The scheduler has taken the update once it sleeps again.
            var mark = clock.sleeps
            scheduler.update(schedules: [tick, even])
            #expect(await clock.waitForSleepers(until: Self.slot(2), after: mark))
            clock.advance(to: Self.slot(2))
            #expect(await clock.waitForSleepers(until: Self.slot(3)))
            mark = clock.sleeps
            scheduler.update(schedules: [even])
            #expect(await clock.waitForSleepers(until: Self.slot(4), after: mark))
            clock.advance(to: Self.slot(4))
            #expect(await clock.waitForSleepers(until: Self.slot(6)))
        }
        let fired = try await Self.take(from: store)
        #expect(fired.filter { $0.schedule == "tick" }.map(\.slot) == [1, 2])
        #expect(fired.filter { $0.schedule == "even" }.map(\.slot) == [2, 4])
    }

    @Test("the event is EventBridge's Scheduled Event for the slot, or the schedule's input as given")
    func events() async throws {
        let scheduledAt = EpochTime.ms(Self.slot(7))
        let plain = try Self.schedule()
        let body = try plain.message(scheduledAtMs: scheduledAt).body.bytes
        let event = try JSONDecoder().decode(ScheduledEvent.self, from: Data(body))
        #expect(event.version == "0" && event.detailType == "Scheduled Event" && event.source == "aws.events")
        #expect(event.account == "000000000000" && event.region == "us-east-1")
        #expect(event.time == Self.slot(7))
        #expect(event.resources == ["arn:aws:scheduler:us-east-1:000000000000:schedule/f/tick"])
        #expect(UUID(uuidString: event.id) != nil)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(json["time"] as? String == "2026-12-02T08:00:07Z")
        #expect(json["detail-type"] as? String == "Scheduled Event")
        #expect((json["detail"] as? [String: Any])?.isEmpty == true)
        let withInput = try Self.schedule(input: .object(["report": .string("daily")]))
        #expect(try withInput.message(scheduledAtMs: scheduledAt).body == .text(#"{"report":"daily"}"#))
    }

    @Test("a run by hand is queued with now as its time and takes no slot")
    func runNow() async throws {
        let store = try Self.makeStore()
        let clock = TestScheduleClock(Self.slot(3).addingTimeInterval(0.25))
        let scheduler = Scheduler(schedules: [try Self.schedule()], store: store, clock: clock, logger: Self.logger)
        let run = try await scheduler.runNow("tick")
        #expect(run.scheduledAtMs == EpochTime.ms(Self.slot(3)) + 250)
        #expect(try await store.latestFirings().isEmpty)
        let policy = RetryPolicy(maxRetries: 0, visibilityTimeout: .seconds(60), retryDelay: .seconds(1))
        let message = try #require(try await store.lease(from: "async:f", limit: 10, policy: policy).first)
        #expect(message.id == run.sent.messageId)
        #expect(ScheduledMessage.slot(of: message)?.schedule == "tick")
        await #expect(throws: InvokerError.self) { try await scheduler.runNow("nope") }
    }
}
