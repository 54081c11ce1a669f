import Foundation

/// One schedule as `GET /system/schedules` and `invoker schedules` show it: its definition, its next three slots in
/// its time zone and in UTC, and its latest firing with that firing's invocation record.
struct ScheduleStatus: Codable, Sendable, Equatable {
    /// A slot, on the schedule's wall clock and in UTC.
    struct Slot: Codable, Sendable, Equatable {
        /// In the schedule's time zone, with its offset: `2026-12-03T03:00:00+01:00`.
        var local: String
        /// In UTC.
        var utc: Date
    }

    /// The latest firing of a slot.
    struct Firing: Codable, Sendable, Equatable {
        /// The slot.
        var scheduledAt: Date
        /// When it was stored.
        var firedAt: Date
        /// The queued message's id (the record's `queue_message_id`).
        var messageId: String
        /// The node that fired it.
        var node: String?
        /// The invocation's latest record; nil until the invocation has ended.
        var invocation: InvocationRecord?
    }

    /// The function it invokes.
    var function: String
    /// Its name.
    var name: String
    /// Its expression, as written.
    var expression: String
    /// Its time zone's IANA name.
    var timezone: String
    /// Whether it fires.
    var enabled: Bool
    /// Which missed slots fire on start.
    var catchUp: ScheduleDefinition.CatchUp.RawValue
    /// How late a slot may fire, in seconds.
    var maximumWindow: Double
    /// The next three slots after now (fewer when the schedule ends; none when disabled).
    var next: [Slot]
    /// The latest firing, if it fired.
    var lastFiring: Firing?

    /// The status of `schedule` at `now`, with its latest firing.
    init(_ schedule: ScheduleDefinition, now: Date, lastFiring: Firing?) {
        function = schedule.function
        name = schedule.name
        expression = schedule.text
        timezone = schedule.timeZoneName
        enabled = schedule.enabled
        catchUp = schedule.catchUp.rawValue
        maximumWindow = schedule.maximumWindow.seconds
        next =
            schedule.enabled
            ? schedule.expression.nextFires(after: now, in: schedule.timeZone, count: 3).map { slot in
                Slot(local: Self.localTime(slot, in: schedule.timeZone), utc: slot)
            } : []
        self.lastFiring = lastFiring
    }

    /// `date` on `timeZone`'s wall clock with its offset: `2026-03-29T03:00:00+02:00`.
    static func localTime(_ date: Date, in timeZone: TimeZone) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(timeZone.wallClockTime(atEpochSeconds: seconds))\(sign)\(two(minutes / 60)):\(two(minutes % 60))"
    }
}
