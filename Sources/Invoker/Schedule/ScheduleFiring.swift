/// One slot of a schedule to fire: its row in the firings table and the message that invokes the function, stored
/// together by ``ScheduleStore/fire(_:)``.
struct ScheduleFiring: Sendable, Equatable {
    /// The schedule.
    var key: ScheduleKey
    /// The slot, in milliseconds since the Unix epoch: with the key, what makes the firing unique.
    var scheduledAtMs: Int64
    /// The message for the function's asynchronous queue (``ScheduledMessage``).
    var message: NewMessage
    /// The node that fires it, for `invoker schedules`.
    var node: String?
}

/// A firing as the firings table keeps it.
struct ScheduleFiringRecord: Codable, Sendable, Equatable {
    /// The slot, in milliseconds since the Unix epoch.
    var scheduledAtMs: Int64
    /// When it was stored, in milliseconds since the Unix epoch.
    var firedAtMs: Int64
    /// The id of the message it enqueued: the invocation's record has it as `queue_message_id`.
    var messageId: String
    /// The node that fired it.
    var node: String?
}
