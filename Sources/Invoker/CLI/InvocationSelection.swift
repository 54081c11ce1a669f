import ArgumentParser
import Foundation

/// The options that pick invocations by function, trigger and start time, shared by `invoker logs` and
/// `invoker stats`.
struct InvocationSelection: ParsableArguments {
    /// Keep only this function's invocations.
    @Option(help: ArgumentHelp("Only invocations of this function.", valueName: "name"))
    var function: String?

    /// Keep only invocations with this trigger.
    @Option(help: "Only invocations with this trigger.")
    var trigger: InvocationRecord.Trigger?

    /// Keep only invocations that started at or after this time.
    @Option(
        help: ArgumentHelp("Only invocations that started at or after this time.", valueName: "time"),
        transform: { try Logs.parseTime($0) }
    )
    var since: Date?

    /// Keep only invocations that started before this time.
    @Option(
        help: ArgumentHelp("Only invocations that started before this time.", valueName: "time"),
        transform: { try Logs.parseTime($0) }
    )
    var until: Date?

    /// Rejects an empty function name and a time range that nothing can match.
    func validate() throws {
        guard function?.isEmpty != true else {
            throw ValidationError("--function needs the name of a function, not an empty string.")
        }
        if let since, let until, since >= until {
            let formatter = InvocationFormatter()
            throw ValidationError(
                "--since (\(formatter.time(since))) must be before --until (\(formatter.time(until))): "
                    + "no invocation can match."
            )
        }
    }
}
