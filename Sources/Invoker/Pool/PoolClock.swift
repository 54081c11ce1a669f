/// The clock a pool runs on: `ContinuousClock` in the invoker, any clock with the same instants in a test. Held
/// type-erased so that the pool's type does not depend on it.
struct PoolClock: Sendable {
    /// The time now.
    let now: @Sendable () -> ContinuousClock.Instant
    /// Sleeps for a duration (throws when cancelled).
    let sleep: @Sendable (Duration) async throws -> Void

    /// The pool clock that reads and sleeps on `clock`.
    init<C: Clock & Sendable>(_ clock: C) where C.Instant == ContinuousClock.Instant {
        now = { clock.now }
        sleep = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
    }
}
