import Foundation

/// The wall clock the ``Scheduler`` reads and sleeps on: slots are wall-clock instants, so it cannot be a monotonic
/// clock. Tests inject one that moves only when told to, so the scheduler loop is tested without sleeping.
protocol ScheduleClock: Sendable {
    /// The time now.
    var now: Date { get }

    /// Returns at `deadline` or a little before (the caller reads ``now`` again), or throws when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The system's wall clock.
struct SystemScheduleClock: ScheduleClock {
    /// The longest single sleep: the scheduler looks at the clock again at least this often, so a change of the
    /// system time (NTP stepping it) delays a slot by at most this much.
    static let longestSleep: TimeInterval = 60

    /// Creates the clock.
    init() {}

    var now: Date { Date() }

    func sleep(until deadline: Date) async throws {
        let delay = min(deadline.timeIntervalSinceNow, Self.longestSleep)
        guard delay > 0 else { return }
        try await Task.sleep(for: .microseconds(Int64((delay * 1_000_000).rounded(.up))))
    }
}
