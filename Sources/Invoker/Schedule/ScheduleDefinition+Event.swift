import Foundation
import Runtime

extension ScheduleDefinition {
    /// The message that fires the slot at `scheduledAtMs`: its ``input`` as JSON when it has one, as EventBridge
    /// passes a target's input, else a Scheduled Event for the slot.
    func message(scheduledAtMs: Int64) throws -> NewMessage {
        ScheduledMessage.make(
            body: try event(scheduledAtMs: scheduledAtMs),
            schedule: name,
            scheduledAtMs: scheduledAtMs
        )
    }

    /// The event of the slot at `scheduledAtMs`, as JSON bytes.
    func event(scheduledAtMs: Int64) throws -> [UInt8] {
        if let input { return Array(try input.json()) }
        let event = ScheduledEvent(
            id: UUID().uuidString.lowercased(),
            time: EpochTime.date(epochMs: scheduledAtMs),
            resources: [arn],
            account: WorkerLaunch.accountID,
            region: WorkerLaunch.region
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return Array(try encoder.encode(event))
    }
}
