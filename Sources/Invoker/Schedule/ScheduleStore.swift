/// Where schedule firings are recorded: the queue's own database, so that recording a slot and enqueuing its
/// invocation are one transaction (``QueueStore`` refines this protocol).
///
/// The firings table's primary key is (function, schedule, slot): whichever node or restart stores a slot first
/// fires it, and everyone after finds it taken. That is what makes a slot fire exactly once, on one invoker or many
/// sharing a database.
///
/// ```swift
/// let sent = try await store.fire([ScheduleFiring(key: key, scheduledAtMs: slot, message: message)])
/// if sent[0] == nil { /* fired already, here before a restart or by another node */ }
/// ```
protocol ScheduleStore: Sendable {
    /// Records each firing's slot and, if it was not recorded before, enqueues its message on the function's
    /// asynchronous queue, in one transaction for all; returns each firing's sent message, or nil for a slot that had
    /// fired already.
    func fire(_ firings: [ScheduleFiring]) async throws -> [SentMessage?]

    /// The latest recorded firing of every schedule that has one.
    func latestFirings() async throws -> [ScheduleKey: ScheduleFiringRecord]

    /// Deletes `key`'s firings of slots before `cutoffMs` (milliseconds since the Unix epoch), keeping its latest;
    /// returns how many went.
    func pruneFirings(of key: ScheduleKey, before cutoffMs: Int64) async throws -> Int
}
