/// A schedule's identity in the firings table: its function and its name.
struct ScheduleKey: Sendable, Hashable, CustomStringConvertible {
    /// The function.
    var function: String
    /// The schedule's name.
    var schedule: String

    /// `function/schedule`.
    var description: String { "\(function)/\(schedule)" }
}
