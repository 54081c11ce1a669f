import Foundation
import Runtime

/// Runs on a schedule: gets EventBridge's Scheduled Event and prints which slot it serves and how late it started.
struct Heartbeat: Handler {
    func handle(_ event: ScheduledEvent, context: Context) async throws -> String {
        let lateness = Int(Date().timeIntervalSince(event.time) * 1000)
        print("slot \(event.time.formatted(.iso8601)) of \(event.resources.first ?? "?"): started \(lateness) ms late")
        return "ok"
    }
}
