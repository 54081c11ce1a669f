import ArgumentParser

/// `invoker schedules`: a running invoker's schedules with their next slots and latest firing, and `invoker schedules
/// run NAME`, which fires one now.
///
/// ```
/// invoker schedules
/// invoker schedules --json
/// invoker schedules run nightly
/// ```
struct SchedulesCommand: AsyncParsableCommand {
    /// The command's name, help and subcommands.
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "List a running invoker's schedules, or fire one now.",
        subcommands: [SchedulesList.self, SchedulesRun.self],
        defaultSubcommand: SchedulesList.self
    )
}
