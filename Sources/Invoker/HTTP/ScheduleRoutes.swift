import Foundation
import Hummingbird
import Logging

/// The admin API's schedules: `GET /system/schedules` lists them (``ScheduleStatus``) and
/// `POST /system/schedules/{name}/run` fires one now.
struct ScheduleRoutes: Sendable {
    /// The document `GET /system/schedules` answers: `{"schedules": [...]}`, in manifest order.
    struct Document: Codable, Sendable {
        /// The schedules.
        var schedules: [ScheduleStatus]
    }

    /// What `POST /system/schedules/{name}/run` answers (`202`): the queued invocation.
    struct Run: Codable, Sendable {
        /// The function.
        var function: String
        /// The schedule.
        var schedule: String
        /// The queued message's id (the record's `queue_message_id`).
        var messageId: String
        /// The scheduled time the invocation carries: now.
        var scheduledAt: Date
    }

    /// The scheduler, its schedules and its store.
    let scheduler: Scheduler
    /// Where the firings' records are looked up.
    let invocations: any InvocationStore

    /// How many of a function's newest schedule records are searched for a firing's record.
    static let recordSearchLimit = 100

    /// Adds the routes to `admin`, the group that requires the admin key.
    func register(on admin: some RouterMethods<InvokerRequestContext>) {
        admin.get("/system/schedules") { _, _ in
            let document = Document(schedules: try await statuses())
            return Response.json(
                status: .ok,
                String(decoding: try InvocationFormatter().encoder.encode(document), as: UTF8.self)
            )
        }
        admin.post("/system/schedules/{name}/run") { _, context in
            let name = try context.parameters.require("name")
            let run = try await scheduler.runNow(name)
            let body = Run(
                function: run.schedule.function,
                schedule: run.schedule.name,
                messageId: run.sent.messageId,
                scheduledAt: EpochTime.date(epochMs: run.scheduledAtMs)
            )
            return Response.json(
                status: .accepted,
                String(decoding: try InvocationFormatter().encoder.encode(body), as: UTF8.self)
            )
        }
    }

    /// Every schedule's status now; a store that cannot be read is `503`.
    func statuses() async throws -> [ScheduleStatus] {
        let latest: [ScheduleKey: ScheduleFiringRecord]
        do {
            latest = try await scheduler.store.latestFirings()
        } catch {
            scheduler.logger.warning("The schedules' firings could not be read", metadata: [LogKey.error: "\(error)"])
            throw InvokerError(.databaseUnavailable, "the schedules' firings cannot be read from the queue database")
        }
        var records: [String: [InvocationRecord]] = [:]
        var statuses: [ScheduleStatus] = []
        let now = scheduler.clock.now
        for schedule in scheduler.schedules {
            var firing: ScheduleStatus.Firing?
            if let last = latest[schedule.key] {
                if records[schedule.function] == nil {
                    records[schedule.function] =
                        (try? await invocations.list(
                            filter: InvocationFilter(function: schedule.function, trigger: .schedule),
                            limit: Self.recordSearchLimit
                        )) ?? []
                }
                firing = ScheduleStatus.Firing(
                    scheduledAt: EpochTime.date(epochMs: last.scheduledAtMs),
                    firedAt: EpochTime.date(epochMs: last.firedAtMs),
                    messageId: last.messageId,
                    node: last.node,
                    invocation: records[schedule.function]?.first { $0.queueMessageId == last.messageId }
                )
            }
            statuses.append(ScheduleStatus(schedule, now: now, lastFiring: firing))
        }
        return statuses
    }
}
