import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Fires the schedules of the manifest: at each slot, it records the slot and enqueues the function's invocation on
/// its asynchronous queue in one transaction (``ScheduleStore/fire(_:)``), so delivery, the two retries and the
/// dead-letter queue are the queue's, and a slot fires once whatever restarts or however many invokers share the
/// database: every node runs a scheduler, and the first to record a slot fires it.
///
/// On start (and for a schedule it is newly given), it reads each schedule's latest firing and fires the slots
/// missed since, within the schedule's `maximumWindow`, as its `catchUp` says. While it runs, every slot fires, late
/// if the store was slow, unless it fell out of `maximumWindow`. Between slots it sleeps on its ``ScheduleClock``
/// until the next one, or until ``update(schedules:)`` gives it a new list (a manifest reload).
///
/// ```swift
/// let scheduler = Scheduler(schedules: manifest.schedules, store: queueStore, node: node, logger: logger)
/// // run as a service; later, on reload:
/// scheduler.update(schedules: reloaded.schedules)
/// ```
final class Scheduler: Service, Sendable {
    /// How the scheduler batches, retries and prunes.
    struct Configuration: Sendable {
        /// The most slots stored in one transaction (a catch-up of many slots takes several).
        var batchSize = 500
        /// The first wait after the store failed; it doubles up to ``maximumRetryDelay``.
        var retryDelay: Duration = .seconds(1)
        /// The longest wait after the store failed.
        var maximumRetryDelay: Duration = .seconds(30)
        /// How often the firings of slots no node can fire any more are deleted.
        var pruneInterval: Duration = .seconds(3_600)
        /// How long beyond its `maximumWindow` a schedule's firings are kept (against clock skew between nodes).
        var pruneMargin: Duration = .seconds(86_400)

        /// Creates a configuration with the defaults.
        init() {}
    }

    /// Where slots are recorded and invocations enqueued.
    let store: any QueueStore
    /// The clock slots are read from and slept on.
    let clock: any ScheduleClock
    /// This node, whose name is recorded with its firings.
    let node: NodeIdentity?
    /// How it batches, retries and prunes.
    let configuration: Configuration
    /// Its logger.
    let logger: Logger
    /// The schedules it fires.
    private let current: Mutex<[ScheduleDefinition]>
    /// Rung by ``update(schedules:)``, to wake the loop.
    private let updates = Doorbell()

    /// The bell ``updates`` rings.
    private static let updateBell = "schedules"

    /// A scheduler of `schedules` (disabled ones are listed, not fired).
    init(
        schedules: [ScheduleDefinition],
        store: any QueueStore,
        clock: any ScheduleClock = SystemScheduleClock(),
        node: NodeIdentity? = nil,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.current = Mutex(schedules)
        self.store = store
        self.clock = clock
        self.node = node
        self.configuration = configuration
        self.logger = logger
    }

    /// The schedules it fires and lists.
    var schedules: [ScheduleDefinition] {
        current.withLock { $0 }
    }

    /// Replaces the schedules: a new one starts with its catch-up, a removed one stops, a changed one goes on from its
    /// last slot.
    func update(schedules: [ScheduleDefinition]) {
        current.withLock { $0 = schedules }
        updates.ring(Self.updateBell)
    }

    /// Fires slots until graceful shutdown or cancellation.
    func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    /// Fires `name` once now, outside its slots (`invoker schedules run`): the invocation is queued with the current
    /// time as its scheduled time, and not recorded as a slot, so it never takes a slot's place. Throws a
    /// ``InvokerError`` (not found) for an unknown name.
    func runNow(_ name: String) async throws -> (schedule: ScheduleDefinition, sent: SentMessage, scheduledAtMs: Int64)
    {
        guard let schedule = schedules.first(where: { $0.name == name }) else {
            let names = schedules.map(\.name).sorted().joined(separator: ", ")
            throw InvokerError(
                .notFound,
                "no schedule named \"\(name)\"" + (names.isEmpty ? "; the manifest has none" : "; there are: \(names)")
            )
        }
        let now = EpochTime.ms(clock.now)
        let message = try schedule.message(scheduledAtMs: now)
        let sent = try await store.enqueue([message], to: QueueDefinition.asyncQueueName(of: schedule.function))
        return (schedule, sent[0], now)
    }

    /// The loop: start new schedules, fire what is due, sleep until the next slot or an update.
    private func loop() async {
        var cursors: [ScheduleKey: Int64] = [:]
        var failures = 0
        var lastPrune = clock.now
        while !Task.isCancelled {
            let mark = updates.mark(Self.updateBell)
            let schedules = self.schedules.filter(\.enabled)
            var wake: Date?
            do {
                cursors = cursors.filter { key, _ in schedules.contains { $0.key == key } }
                try await start(schedules.filter { cursors[$0.key] == nil }, cursors: &cursors)
                try await fireDue(schedules, cursors: &cursors)
                failures = 0
                wake = schedules.compactMap { schedule in
                    cursors[schedule.key].flatMap { schedule.nextSlot(afterMs: $0) }
                }.min().map { EpochTime.date(epochMs: $0) }
            } catch {
                // Shutdown cancels a firing under way; its transaction either committed or did not.
                if Task.isCancelled { return }
                failures += 1
                let delay = min(
                    configuration.retryDelay * (1 << min(failures - 1, 10)),
                    configuration.maximumRetryDelay
                )
                logger.error(
                    "Firing schedules failed; retrying",
                    metadata: [LogKey.error: "\(error)", LogKey.scheduleRetryDelay: "\(delay)"]
                )
                wake = clock.now.addingTimeInterval(delay.seconds)
            }
            if clock.now.timeIntervalSince(lastPrune) >= configuration.pruneInterval.seconds {
                lastPrune = clock.now
                await prune(schedules)
            }
            await wait(until: wake, mark: mark)
        }
    }

    /// Starts `schedules`: fires the slots each missed since its latest firing (as its `catchUp` says), then sets its
    /// cursor to now.
    private func start(_ schedules: [ScheduleDefinition], cursors: inout [ScheduleKey: Int64]) async throws {
        guard !schedules.isEmpty else { return }
        let latest = try await store.latestFirings()
        let now = EpochTime.ms(clock.now)
        var missed: [(ScheduleDefinition, Int64)] = []
        for schedule in schedules {
            let slots = schedule.missedSlots(lastFiredMs: latest[schedule.key]?.scheduledAtMs, nowMs: now)
            if !slots.isEmpty {
                logger.info(
                    "Firing slots missed while no invoker ran",
                    metadata: [
                        LogKey.function: "\(schedule.function)", LogKey.schedule: "\(schedule.name)",
                        LogKey.scheduleSlots: "\(slots.count)", LogKey.scheduleCatchUp: "\(schedule.catchUp.rawValue)",
                    ]
                )
            }
            missed += slots.map { (schedule, $0) }
        }
        try await fire(missed)
        for schedule in schedules {
            cursors[schedule.key] = now
        }
    }

    /// Fires every slot that is due (after its schedule's cursor, up to now, within its `maximumWindow`), in batches,
    /// moving the cursors past each batch once it is stored.
    private func fireDue(_ schedules: [ScheduleDefinition], cursors: inout [ScheduleKey: Int64]) async throws {
        while true {
            let now = EpochTime.ms(clock.now)
            var due: [(ScheduleDefinition, Int64)] = []
            var advanced = cursors
            for schedule in schedules {
                guard let cursor = cursors[schedule.key], due.count < configuration.batchSize else { continue }
                let oldest = now - schedule.maximumWindow.wholeMilliseconds - 1
                if cursor < oldest, let dropped = schedule.nextSlot(afterMs: cursor), dropped <= oldest {
                    logger.warning(
                        "Slots older than the schedule's maximumWindow are dropped",
                        metadata: [
                            LogKey.function: "\(schedule.function)", LogKey.schedule: "\(schedule.name)",
                            LogKey.scheduleSlot: "\(EpochTime.iso8601(EpochTime.date(epochMs: dropped)))",
                        ]
                    )
                }
                let slots = schedule.slots(
                    afterMs: max(cursor, oldest),
                    throughMs: now,
                    limit: configuration.batchSize - due.count
                )
                due += slots.map { (schedule, $0) }
                advanced[schedule.key] = slots.last ?? max(cursor, oldest)
            }
            try await fire(due)
            cursors = advanced
            guard !due.isEmpty else { return }
        }
    }

    /// Stores the firings of `slots`, in batches.
    private func fire(_ slots: [(ScheduleDefinition, Int64)]) async throws {
        for start in stride(from: 0, to: slots.count, by: configuration.batchSize) {
            let batch = slots[start..<min(start + configuration.batchSize, slots.count)]
            let firings = try batch.map { schedule, slot in
                ScheduleFiring(
                    key: schedule.key,
                    scheduledAtMs: slot,
                    message: try schedule.message(scheduledAtMs: slot),
                    node: node?.name
                )
            }
            let sent = try await store.fire(firings)
            for (firing, message) in zip(firings, sent) {
                logger.debug(
                    message == nil ? "Slot fired by another invoker already" : "Slot fired",
                    metadata: [
                        LogKey.function: "\(firing.key.function)", LogKey.schedule: "\(firing.key.schedule)",
                        LogKey.scheduleSlot: "\(EpochTime.iso8601(EpochTime.date(epochMs: firing.scheduledAtMs)))",
                    ]
                )
            }
        }
    }

    /// Deletes the firings no node can fire again: slots older than their schedule's window and the margin.
    private func prune(_ schedules: [ScheduleDefinition]) async {
        let now = EpochTime.ms(clock.now)
        for schedule in schedules {
            let cutoff = now - (schedule.maximumWindow + configuration.pruneMargin).wholeMilliseconds
            do {
                _ = try await store.pruneFirings(of: schedule.key, before: cutoff)
            } catch {
                logger.warning("Pruning old schedule firings failed", metadata: [LogKey.error: "\(error)"])
            }
        }
    }

    /// Returns at `deadline` (nil: never), when ``update(schedules:)`` rang after `mark`, or on cancellation.
    private func wait(until deadline: Date?, mark: UInt64) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.updates.wait(Self.updateBell, after: mark, timeout: .seconds(86_400)) }
            if let deadline {
                group.addTask { try? await self.clock.sleep(until: deadline) }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
