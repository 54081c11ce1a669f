import Foundation

/// The marks that make a message of a function's asynchronous queue a schedule's firing: two attributes naming the
/// schedule and its slot, which the consumer turns into the record's trigger `schedule` and its `scheduled_at`.
///
/// Producers cannot forge them: the asynchronous queues take no attributes from callers (`/async-function` and the
/// Invoke API store the event alone), and `/queue/{name}` cannot reach an `async:` queue.
///
/// ```swift
/// let message = ScheduledMessage.make(body: event, schedule: "nightly", scheduledAtMs: slot)
/// ScheduledMessage.slot(of: leased)?.scheduledAt  // the slot again
/// ```
enum ScheduledMessage {
    /// The attribute naming the schedule.
    static let scheduleAttribute = "invoker.schedule"
    /// The attribute holding the slot, in milliseconds since the Unix epoch.
    static let scheduledAtAttribute = "invoker.scheduledAt"

    /// The message that fires `schedule`'s slot at `scheduledAtMs` with `body` as the event.
    static func make(body: [UInt8], schedule: String, scheduledAtMs: Int64) -> NewMessage {
        NewMessage(
            body: MessageBody(body),
            attributes: [
                scheduleAttribute: MessageAttribute(dataType: "String", stringValue: schedule),
                scheduledAtAttribute: MessageAttribute(dataType: "Number", stringValue: String(scheduledAtMs)),
            ]
        )
    }

    /// The schedule and slot a leased message fires; nil for an ordinary asynchronous invocation.
    static func slot(of message: QueueMessage) -> (schedule: String, scheduledAt: Date)? {
        guard let schedule = message.attributes[scheduleAttribute]?.stringValue,
            let slot = message.attributes[scheduledAtAttribute]?.stringValue.flatMap({ Int64($0) })
        else { return nil }
        return (schedule, EpochTime.date(epochMs: slot))
    }
}
