import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Subprocess
import Testing

@testable import Invoker

/// Schedules end to end: the real invoker (as a process, or in this process with real workers) fires a function's
/// schedule through its asynchronous queue, and records each firing with the trigger `schedule` and its slot.
@Suite("Scheduled triggers", .serialized)
struct ScheduleTriggerTests {
    /// The `event` fixture (it answers its event) on a `rate(1 second)` schedule.
    static func ticking(catchUp: String = "all", extra: [[String: Any]] = []) -> [String: Any] {
        [
            "tick": TestEnvironment.fixture(
                "event",
                ["schedules": [["name": "tick", "expression": "rate(1 second)", "catchUp": catchUp]] + extra]
            )
        ]
    }

    /// The slots of `records` in whole seconds since the Unix epoch, and how late each invocation started after its
    /// slot, in milliseconds.
    static func slots(_ records: [InvocationRecord]) -> (slots: [Int64], lateness: [Double]) {
        let scheduled = records.filter { $0.trigger == .schedule }.sorted { $0.startedAt < $1.startedAt }
        return (
            scheduled.compactMap { $0.scheduledAt.map { Int64($0.timeIntervalSince1970.rounded()) } },
            scheduled.compactMap { record in
                record.scheduledAt.map { record.startedAt.timeIntervalSince($0) * 1000 }
            }
        )
    }

    /// Whether `slots` covers consecutive seconds once each.
    static func isContiguous(_ slots: [Int64]) -> Bool {
        let sorted = slots.sorted()
        return Set(sorted).count == sorted.count && zip(sorted, sorted.dropFirst()).allSatisfy { $1 - $0 == 1 }
    }

    @Test("rate(1 second) fires every slot for 10 s across a restart of the invoker: no duplicate, no gap")
    func rateAcrossRestart() async throws {
        let environment = try TestEnvironment(functions: Self.ticking())
        defer { environment.remove() }
        for run in 0..<2 {
            _ = try await environment.serveProcess { _, signal in
                // Until the records cover 5 seconds (first run), then 10 (second run).
                let covered = await eventually(timeout: .seconds(30)) {
                    let slots = Self.slots((try? await environment.records()) ?? []).slots
                    return (slots.max() ?? 0) - (slots.min() ?? 0) >= Int64(5 * run + 5)
                }
                #expect(covered, "run \(run + 1) fired its slots")
                try signal(.terminate)
            }
        }
        let records = try await environment.records()
        let (slots, lateness) = Self.slots(records)
        #expect(slots.count >= 11)
        #expect(Self.isContiguous(slots), "slots: \(slots.sorted())")
        #expect(Set(records.compactMap(\.node)).count == 2, "both processes (on two ports) fired slots")
        #expect(records.allSatisfy { $0.trigger == .schedule && $0.status == .success && $0.attempt == 1 })
        #expect(records.allSatisfy { $0.queueMessageId != nil && $0.function == "tick" })
        let median = lateness.sorted()[lateness.count / 2]
        #expect(median < 1_000, "lateness (ms): \(lateness.map { Int($0) })")
        print("rate(1 second) across a restart: \(slots.count) slots, lateness p50 \(Int(median)) ms")
    }

    @Test("GET /system/schedules lists the next slots and the last firing; run fires one now, recorded")
    func adminAPI() async throws {
        let nightly: [String: Any] = [
            "name": "nightly", "expression": "cron(30 2 * * ? *)", "timezone": "Europe/Paris",
            "input": ["report": "nightly"], "enabled": false,
        ]
        let environment = try TestEnvironment(functions: Self.ticking(catchUp: "latest", extra: [nightly]))
        defer { environment.remove() }
        try await environment.withInvoker { client in
            #expect(await eventually { ((try? await environment.records()) ?? []).count >= 1 })
            let listing = try await client.execute(
                uri: "/system/schedules",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            #expect(listing.status == .ok)
            let document = try InvocationFormatter.decoder.decode(
                ScheduleRoutes.Document.self,
                from: Data(buffer: listing.body)
            )
            #expect(document.schedules.map(\.name) == ["tick", "nightly"])
            let tick = document.schedules[0]
            #expect(tick.expression == "rate(1 second)" && tick.enabled && tick.catchUp == "latest")
            #expect(tick.next.count == 3)
            #expect(zip(tick.next, tick.next.dropFirst()).allSatisfy { $1.utc.timeIntervalSince($0.utc) == 1 })
            #expect(tick.next.allSatisfy { $0.local.hasSuffix("+00:00") })
            let firing = try #require(tick.lastFiring)
            #expect(firing.scheduledAt.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) == 0)
            let nightlyStatus = document.schedules[1]
            #expect(!nightlyStatus.enabled && nightlyStatus.next.isEmpty && nightlyStatus.lastFiring == nil)
            #expect(nightlyStatus.timezone == "Europe/Paris")

            let run = try await client.execute(
                uri: "/system/schedules/nightly/run",
                method: .post,
                headers: TestEnvironment.adminHeaders
            )
            #expect(run.status == .accepted)
            let fired = try InvocationFormatter.decoder.decode(ScheduleRoutes.Run.self, from: Data(buffer: run.body))
            #expect(fired.function == "tick" && fired.schedule == "nightly")
            let recorded = await eventually {
                ((try? await environment.records()) ?? []).contains { $0.queueMessageId == fired.messageId }
            }
            #expect(recorded)
            let record = try #require(try await environment.records().first { $0.queueMessageId == fired.messageId })
            #expect(record.trigger == .schedule && record.status == .success)
            #expect(record.scheduledAt.map { abs($0.timeIntervalSince(fired.scheduledAt)) < 0.002 } == true)
            #expect(record.requestBytes == #"{"report":"nightly"}"#.utf8.count)

            let unknown = try await client.execute(
                uri: "/system/schedules/nope/run",
                method: .post,
                headers: TestEnvironment.adminHeaders
            )
            #expect(unknown.status == .notFound)
            let unauthenticated = try await client.execute(uri: "/system/schedules", method: .get)
            #expect(unauthenticated.status == .unauthorized)
        }
        let records = try await environment.records()
        #expect(records.filter { $0.trigger == .schedule }.count == records.count)
    }

    @Test("invoker schedules lists the schedules of a running invoker; invoker schedules run fires one")
    func command() async throws {
        let environment = try TestEnvironment(functions: Self.ticking(catchUp: "none"))
        defer { environment.remove() }
        _ = try await environment.serveProcess(options: ["--api-key", TestEnvironment.adminKey]) { url, signal in
            defer { try? signal(.terminate) }
            #expect(await eventually { ((try? await environment.records()) ?? []).count >= 1 })
            let options = ["--url", url, "--api-key", TestEnvironment.adminKey]
            let table = try await QueueCommandTests.invoker(["schedules"] + options).output
            let lines = table.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("SCHEDULE  FUNCTION  EXPRESSION") == true, "\(table)")
            #expect(lines.count > 1 && lines[1].hasPrefix("tick      tick      rate(1 second)  UTC"), "\(table)")
            #expect(lines.filter { $0.hasPrefix("  next: ") }.count == 3, "\(table)")
            #expect(lines.contains { $0.hasPrefix("  last: ") }, "\(table)")
            let json = try await QueueCommandTests.invoker(["schedules", "--json"] + options).output
            let document = try InvocationFormatter.decoder.decode(ScheduleRoutes.Document.self, from: Data(json.utf8))
            #expect(document.schedules.map(\.name) == ["tick"])
            let run = try await QueueCommandTests.invoker(["schedules", "run", "tick"] + options).output
            #expect(run.hasPrefix("fired tick (function tick) for "), "\(run)")
            let messageID = try #require(run.split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(
                await eventually {
                    ((try? await environment.records()) ?? []).contains { $0.queueMessageId == messageID }
                }
            )
            let missing = try await QueueCommandTests.invoker(["schedules", "run", "nope"] + options, succeeds: false)
            #expect(missing.error.contains("no schedule named \"nope\""), "\(missing.error)")
        }
    }

    @Test("invoker logs shows a record's scheduled time in its detail and JSON")
    func logsShowScheduledTime() throws {
        let slot = Date(timeIntervalSince1970: 1_796_198_407)
        let record = InvocationRecord(
            id: "0193a5e2-7c40-7000-8000-000000000000",
            function: "tick",
            trigger: .schedule,
            startedAt: slot.addingTimeInterval(0.004),
            endedAt: slot.addingTimeInterval(0.006),
            durationMs: 2,
            waitMs: 0,
            cold: false,
            status: .success,
            requestBytes: 10,
            responseBytes: 10,
            scheduledAt: slot
        )
        let formatter = InvocationFormatter(timeZone: TimeZone(identifier: "UTC")!)
        #expect(formatter.detail(record).contains("scheduled_at:     2026-12-02 08:00:07.000"))
        #expect(try formatter.json(record).contains(#""scheduled_at":"2026-12-02T08:00:07.000Z""#))
        #expect(try formatter.json(record).contains(#""trigger":"schedule""#))
    }
}
