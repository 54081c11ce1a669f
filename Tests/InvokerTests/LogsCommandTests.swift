import ArgumentParser
import Foundation
import GRDB
import Testing

@testable import Invoker

@Suite("invoker logs", .everyStorage)
struct LogsCommandTests {
    /// Formats times in UTC so that expected output does not depend on the machine.
    let formatter = InvocationFormatter(timeZone: TimeZone(identifier: "UTC")!)

    /// A warm, successful HTTP invocation and a cold queue invocation that timed out, with every field set.
    let records: [InvocationRecord] = {
        var timedOut = InvocationRecord(
            id: "0190e6a1-5a00-7000-8000-000000000002",
            function: "resize",
            trigger: .queue,
            startedAt: InvocationFixtures.date(milliseconds: 1_720_000_001_000),
            endedAt: InvocationFixtures.date(milliseconds: 1_720_000_004_000),
            durationMs: 3000,
            waitMs: 12.5,
            cold: true,
            status: .timeout,
            requestBytes: 2048,
            responseBytes: 0
        )
        timedOut.initDurationMs = 41.25
        timedOut.httpStatus = 504
        timedOut.errorType = "Sandbox.Timedout"
        timedOut.errorMessage = "Task timed out after 3.00 seconds"
        timedOut.workerPid = 31337
        timedOut.maxMemoryKB = 18_432
        timedOut.queueMessageId = "9f1c"
        timedOut.attempt = 3
        timedOut.log = "START\nprocessing image 42\n"
        let success = InvocationRecord(
            id: "0190e6a1-5a00-7000-8000-000000000001",
            function: "hello",
            trigger: .http,
            startedAt: InvocationFixtures.date(milliseconds: 1_720_000_000_123),
            endedAt: InvocationFixtures.date(milliseconds: 1_720_000_000_125),
            durationMs: 1.234,
            waitMs: 0.05,
            cold: false,
            status: .success,
            requestBytes: 120,
            responseBytes: 17
        )
        return [timedOut, success]
    }()

    @Test("the table aligns columns, right-aligns durations and marks cold starts")
    func table() {
        let expected = """
            TIME                     ID                                    FUNCTION  TRIGGER  STATUS    DURATION  COLD
            2024-07-03 09:46:41.000  0190e6a1-5a00-7000-8000-000000000002  resize    queue    timeout  3000.0 ms  *
            2024-07-03 09:46:40.123  0190e6a1-5a00-7000-8000-000000000001  hello     http     success    1.23 ms
            """
        #expect(formatter.table(records) == expected)
    }

    @Test("a NODE column is shown only when the records come from more than one node; the detail always has node")
    func nodeColumn() throws {
        var fromTwo = records
        fromTwo[0].node = "builder-1:8080"
        fromTwo[1].node = "builder-2:8080"
        let lines = formatter.table(fromTwo).split(separator: "\n")
        let plain = formatter.table(records).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == plain[0] + "  NODE")
        #expect(lines[1] == plain[1] + "     builder-1:8080")
        #expect(lines[2] == plain[2] + "        builder-2:8080")
        var fromOne = fromTwo
        fromOne[1].node = "builder-1:8080"
        #expect(!formatter.table(fromOne).contains("NODE"))
        #expect(formatter.table(fromOne) == formatter.table(records))
        #expect(formatter.detail(fromOne[0]).contains("\nnode:             builder-1:8080"))
        #expect(formatter.detail(records[0]).contains("\nnode:             -"))
        #expect(try formatter.json(fromTwo[1]).contains(#""node":"builder-2:8080""#))
    }

    @Test("one record shows every field as key: value, then its captured log")
    func detail() {
        let lines = formatter.detail(records[0]).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "id:               0190e6a1-5a00-7000-8000-000000000002")
        #expect(lines.contains("started_at:       2024-07-03 09:46:41.000"))
        #expect(lines.contains("init_duration_ms: 41.25"))
        #expect(lines.contains("cold:             true"))
        #expect(lines.contains("max_memory_kb:    18432"))
        #expect(lines.suffix(4) == ["log:", "START", "processing image 42", ""])

        let warm = formatter.detail(records[1])
        #expect(warm.contains("\nerror_type:       -\n"))
        #expect(warm.hasSuffix("\nlog: -"))
    }

    @Test("NDJSON has one object per line with snake_case keys and ISO-8601 times, and decodes back")
    func ndjson() async throws {
        try await withStore { store in
            let output = try await Logs.parse(["--json"]).output(from: store, formatter: formatter)
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.count == 2)

            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
            )
            #expect(object["id"] as? String == records[0].id)
            #expect(object["started_at"] as? String == "2024-07-03T09:46:41.000Z")
            #expect(object["max_memory_kb"] as? Int == 18_432)
            #expect(object["queue_message_id"] as? String == "9f1c")
            #expect(object["cold"] as? Bool == true)
            let warm = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
            #expect(warm["started_at"] as? String == "2024-07-03T09:46:40.123Z")
            #expect(warm["error_type"] == nil)

            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom { decoder in
                let text = try decoder.singleValueContainer().decode(String.self)
                let date = try Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                // Times are kept to the millisecond: compare them as the log reads them back.
                return InvocationFixtures.date(milliseconds: EpochTime.ms(date))
            }
            let decoded = try lines.map { try decoder.decode(InvocationRecord.self, from: Data($0.utf8)) }
            #expect(decoded == records)
        }
    }

    @Test("listing applies the filters and the limit; an ID shows one record, also as JSON")
    func output() async throws {
        try await withStore { store in
            let hello = try await Logs.parse(["--function", "hello"]).output(from: store, formatter: formatter)
            #expect(hello.split(separator: "\n").count == 2)
            #expect(hello.contains("hello") && !hello.contains("resize"))
            let limited = try await Logs.parse(["--limit", "1"]).output(from: store, formatter: formatter)
            #expect(limited.split(separator: "\n").count == 2)
            #expect(limited.contains(records[0].id))
            let failures = try await Logs.parse(["--status", "error", "--status", "timeout", "--trigger", "queue"])
                .output(from: store, formatter: formatter)
            #expect(failures.contains(records[0].id) && !failures.contains(records[1].id))

            let none = try await Logs.parse(["--status", "crash"]).output(from: store, formatter: formatter)
            #expect(none == "No invocations match the filters.")
            let noJSON = try await Logs.parse(["--status", "crash", "--json"]).output(from: store, formatter: formatter)
            #expect(noJSON.isEmpty)

            let detail = try await Logs.parse(["0190E6A1-5A00-7000-8000-000000000001"])
                .output(from: store, formatter: formatter)
            #expect(detail == formatter.detail(records[1]))
            let json = try await Logs.parse([records[0].id, "--json"]).output(from: store, formatter: formatter)
            #expect(json == (try formatter.json(records[0])))
            let ambiguous = await #expect(throws: InvocationLogError.self) {
                try await Logs.parse(["0190e6a1"]).output(from: store, formatter: formatter)
            }
            #expect(ambiguous?.code == .ambiguousPrefix && ambiguous?.message.contains("ids of 2 invocations") == true)
            let unknown = await #expect(throws: InvocationLogError.self) {
                try await Logs.parse(["0190e6a2"]).output(from: store, formatter: formatter)
            }
            #expect(unknown?.code == .invocationNotFound)
        }
    }

    @Test("options default to the shared database path and 20 records")
    func defaults() throws {
        let command = try Logs.parse([])
        #expect(command.source.path == ".invoker/invocations.sqlite")
        #expect(command.source.path == InvocationLog.defaultDatabasePath)
        #expect(command.limit == 20)
        #expect(!command.json)
        #expect(command.filter.isEmpty)
        #expect(try Logs.parse(["--db", "/tmp/x.sqlite"]).source.path == "/tmp/x.sqlite")
    }

    @Test("bad values are rejected with what was wrong and what is accepted")
    func rejectsBadValues() throws {
        let status = Logs.message(for: try failure { try Logs.parse(["--status", "broken"]) })
        #expect(status.contains("broken"))
        #expect(["success", "error", "timeout", "crash", "throttled"].allSatisfy(status.contains))
        let trigger = Logs.message(for: try failure { try Logs.parse(["--trigger", "cron"]) })
        #expect(["http", "invoke", "event", "queue", "cli"].allSatisfy(trigger.contains))
        #expect(Logs.message(for: try failure { try Logs.parse(["--limit", "0"]) }).contains("--limit"))
        #expect(Logs.message(for: try failure { try Logs.parse(["0190", "--function", "hello"]) }).contains("ID"))
        #expect(Logs.message(for: try failure { try Logs.parse(["--since", "yesterday"]) }).contains("yesterday"))
    }

    @Test("times are ISO-8601, local dates and times, or durations ago")
    func parseTime() throws {
        let now = InvocationFixtures.date(milliseconds: 1_720_000_000_000)
        let utc = TimeZone(identifier: "UTC")!
        #expect(try Logs.parseTime("15m", now: now) == now.addingTimeInterval(-900))
        #expect(try Logs.parseTime("2h", now: now) == now.addingTimeInterval(-7200))
        #expect(try Logs.parseTime("1.5d", now: now) == now.addingTimeInterval(-129_600))
        #expect(try Logs.parseTime("2024-07-03T09:46:40Z") == Date(timeIntervalSince1970: 1_720_000_000))
        #expect(
            try Logs.parseTime("2024-07-03T09:46:40.250Z")
                == InvocationFixtures.date(milliseconds: 1_720_000_000_250)
        )
        #expect(try Logs.parseTime("2024-07-03", timeZone: utc) == Date(timeIntervalSince1970: 1_719_964_800))
        #expect(try Logs.parseTime("2024-07-03 09:46", timeZone: utc) == Date(timeIntervalSince1970: 1_719_999_960))
        #expect(throws: ValidationError.self) { try Logs.parseTime("soon") }
        #expect(throws: ValidationError.self) { try Logs.parseTime("-5m") }
    }

    /// Runs `body` with a store holding ``records``, of the kind under test.
    private func withStore(_ body: (any InvocationStore) async throws -> Void) async throws {
        try await InvocationFixtures.withStore(holding: records, body)
    }

    /// The error `parse` throws; fails the test if it throws none.
    private func failure(_ parse: () throws -> Logs) throws -> any Error {
        try #require(throws: (any Error).self) { try parse() }
    }
}
