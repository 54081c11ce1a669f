/// What is wrong with a schedule expression, in words a manifest error can carry: `hours: 25 is out of range; it
/// takes 0-23`.
struct ScheduleExpressionError: Error, Equatable, CustomStringConvertible {
    /// The problem.
    var message: String

    /// An error saying `message`.
    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}
