import Foundation

/// When a schedule fires, as EventBridge Scheduler writes it: `rate(5 minutes)`, `cron(0 3 * * ? *)` or
/// `at(2026-12-24T18:00:00)` (plus `rate(N seconds)`, which EventBridge lacks, for local work and tests).
///
/// ``nextFire(after:in:)`` is a pure function of the expression, an instant and a time zone, so it is tested against
/// tables without a clock. Every slot is a whole second.
///
/// **Daylight saving time** is handled as EventBridge Scheduler documents it ("Daylight saving time on EventBridge
/// Scheduler", https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html, and the AWS knowledge
/// center's "How can I adjust my Amazon EventBridge schedule for daylight saving?"): cron and `at` times are read on
/// the zone's wall clock; when the clocks move forward, a time that does not exist that day is skipped; when they move
/// back, a time shown twice fires once, at its first occurrence, and is not repeated. Rates are durations on the
/// clock (a `rate(1 day)` is 24 hours even across a 23- or 25-hour day), counted from 1970-01-01T00:00:00Z so that
/// every node and every restart agree on the slots.
///
/// ```swift
/// let nightly = try ScheduleExpression(parsing: "cron(0 3 * * ? *)")
/// let next = nightly.nextFire(after: .now, in: TimeZone(identifier: "Europe/Paris")!)
/// ```
enum ScheduleExpression: Sendable, Equatable {
    /// Every `seconds` seconds, at the multiples of the period since the Unix epoch.
    case rate(seconds: Int64)
    /// At the wall-clock minutes the fields match.
    case cron(CronExpression)
    /// Once, at this wall-clock time.
    case at(WallClockTime)

    /// The first slot strictly after `instant`, in `timeZone` (which rates ignore); nil when there is none (an `at`
    /// that passed, a cron whose years are over).
    func nextFire(after instant: Date, in timeZone: TimeZone) -> Date? {
        // Slots are whole seconds, so "after the instant" is "after the whole second it is in".
        let after = Int64(instant.timeIntervalSince1970.rounded(.down))
        return nextFire(afterEpochSeconds: after, in: timeZone).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// The first slot strictly after `after` seconds since the Unix epoch, in seconds since the Unix epoch.
    func nextFire(afterEpochSeconds after: Int64, in timeZone: TimeZone) -> Int64? {
        switch self {
        case .rate(let period):
            return (after.floorDivided(by: period) + 1) * period
        case .at(let time):
            return timeZone.instants(showing: time).first.flatMap { $0 > after ? $0 : nil }
        case .cron(let cron):
            return cron.nextFire(afterEpochSeconds: after, in: timeZone)
        }
    }

    /// The next `count` slots after `instant`, fewer when the schedule ends.
    func nextFires(after instant: Date, in timeZone: TimeZone, count: Int) -> [Date] {
        var fires: [Date] = []
        var cursor = instant
        while fires.count < count, let next = nextFire(after: cursor, in: timeZone) {
            fires.append(next)
            cursor = next
        }
        return fires
    }
}
