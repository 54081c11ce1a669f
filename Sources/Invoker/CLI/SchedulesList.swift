import ArgumentParser
import Foundation

/// `invoker schedules [list]`: each schedule with its next three slots (in its time zone and in UTC) and its latest
/// firing's invocation.
struct SchedulesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the schedules with their next three slots and their latest firing."
    )

    @OptionGroup var admin: AdminAPIOptions

    @Flag(help: "Print the JSON document of GET /system/schedules.")
    var json = false

    func run() async throws {
        let data = try await admin.client.get("system/schedules")
        if json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let document = try InvocationFormatter.decoder.decode(ScheduleRoutes.Document.self, from: data)
        print(Self.text(document.schedules), terminator: "")
    }

    /// The schedules as a table, then each one's next slots and latest firing.
    static func text(_ schedules: [ScheduleStatus]) -> String {
        guard !schedules.isEmpty else { return "The manifest has no schedules.\n" }
        let header = ["SCHEDULE", "FUNCTION", "EXPRESSION", "TIMEZONE", "ENABLED", "CATCH-UP", "LAST-FIRED", "STATUS"]
        let rows = schedules.map { schedule in
            [
                schedule.name, schedule.function, schedule.expression, schedule.timezone, "\(schedule.enabled)",
                schedule.catchUp, schedule.lastFiring.map { utc($0.scheduledAt) } ?? "-",
                schedule.lastFiring.map { $0.invocation?.status.rawValue ?? "pending" } ?? "-",
            ]
        }
        var text = AlignedTable.text(header, rows) + "\n"
        for schedule in schedules {
            text += "\n\(schedule.name) (\(schedule.function)):\n"
            if schedule.next.isEmpty {
                text += "  next: none\n"
            }
            for slot in schedule.next {
                text += "  next: \(slot.local)  (\(utc(slot.utc)))\n"
            }
            if let firing = schedule.lastFiring {
                text += "  last: \(utc(firing.scheduledAt)), message \(firing.messageId)"
                text += firing.node.map { " on \($0)" } ?? ""
                if let record = firing.invocation {
                    text +=
                        "; invocation \(record.id) \(record.status.rawValue),"
                        + " \(InvocationFormatter().milliseconds(record.durationMs)) ms, attempt \(record.attempt ?? 1)"
                }
                text += "\n"
            }
        }
        return text
    }

    /// `2026-12-03T02:00:00Z`.
    private static func utc(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
