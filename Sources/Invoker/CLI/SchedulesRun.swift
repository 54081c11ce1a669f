import ArgumentParser
import Foundation

/// `invoker schedules run NAME`: fires a schedule once now, as a slot would (its event, its function's asynchronous
/// queue, a record with the trigger `schedule`), outside its slots.
struct SchedulesRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Fire a schedule once now.",
        discussion: "The invocation is queued like a slot's, with now as its scheduled time; it does not take the"
            + " place of any slot. Prints the queued message's id (the record's queue_message_id)."
    )

    @Argument(help: "The schedule's name.")
    var name: String

    @OptionGroup var admin: AdminAPIOptions

    func run() async throws {
        let data = try await admin.client.post("system/schedules/\(name)/run")
        let run = try InvocationFormatter.decoder.decode(ScheduleRoutes.Run.self, from: data)
        print(
            "fired \(run.schedule) (function \(run.function)) for \(run.scheduledAt.formatted(Date.ISO8601FormatStyle())):"
                + " message \(run.messageId)"
        )
    }
}
