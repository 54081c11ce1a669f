extension LogKey {
    /// A schedule's name.
    static let schedule = "schedule.name"
    /// A slot, ISO 8601.
    static let scheduleSlot = "schedule.slot"
    /// How many slots.
    static let scheduleSlots = "schedule.slots"
    /// A schedule's `catchUp`.
    static let scheduleCatchUp = "schedule.catch_up"
    /// How long the scheduler waits before it tries the store again.
    static let scheduleRetryDelay = "schedule.retry_delay"
}
