import ArgumentParser
import Foundation
import GRDB
import Testing

@testable import Invoker

@Suite("invoker stats", .everyStorage)
struct StatsCommandTests {
    /// Formats numbers the same way on every machine.
    let formatter = InvocationFormatter(timeZone: TimeZone(identifier: "UTC")!)

    @Test(
        "duration percentiles are nearest-rank: 1…100 gives 50, 95, 99; one value gives itself; 1, 2, 3 gives 2, 3, 3"
    )
    func percentiles() async throws {
        let hundred = (1...100).shuffled().map { Self.record(function: "hundred", durationMs: Double($0)) }
        let one = [Self.record(function: "one", durationMs: 7)]
        let three = [3.0, 1, 2].map { Self.record(function: "three", durationMs: $0) }
        try await InvocationFixtures.withStore(holding: hundred + one + three) { store in
            let statistics = try await store.statistics()
            #expect(statistics.map(\.function) == ["hundred", "one", "three"])
            let durations = statistics.map { [$0.durationP50Ms, $0.durationP95Ms, $0.durationP99Ms] }
            #expect(durations == [[50, 95, 99], [7, 7, 7], [2, 3, 3]])
            #expect(statistics.map(\.invocations) == [100, 1, 3])
        }
    }

    @Test("counts, rates, init and wait medians follow their definitions; throttled invocations have no duration")
    func countsAndRates() async throws {
        let statuses: [InvocationRecord.Status] = [.success, .success, .success, .error, .timeout, .crash]
        var records: [InvocationRecord] = []
        for (index, status) in statuses.enumerated() {
            var record = Self.record(function: "hello", durationMs: Double(index + 1), status: status)
            record.waitMs = Double(10 * (index + 1))
            if index < 3 {
                record.cold = true
                record.initDurationMs = [40, 20, 30][index]
            }
            records.append(record)
        }
        // A warm invocation never has an init duration; if one had, it would not count.
        var warm = Self.record(function: "hello", durationMs: 4)
        warm.initDurationMs = 1
        warm.waitMs = 0
        records.append(warm)
        // Throttled invocations count, but never ran: their zero durations and waits are not ranked.
        records += (0..<3).map { _ in Self.record(function: "hello", durationMs: 0, status: .throttled) }

        try await InvocationFixtures.withStore(holding: records) { store in
            let hello = try #require(try await store.statistics().first)
            #expect(hello.invocations == 10)
            #expect(hello.errors == 1)
            #expect(hello.errorRate == 0.1)
            #expect(hello.timeouts == 1)
            #expect(hello.crashes == 1)
            #expect(hello.throttles == 3)
            #expect(hello.coldStarts == 3)
            #expect(hello.coldStartShare == 0.3)
            // Ranked durations: 1, 2, 3, 4, 4, 5, 6 (seven that ran).
            #expect(hello.durationP50Ms == 4)
            #expect(hello.durationP99Ms == 6)
            #expect(hello.initDurationP50Ms == 30)
            // Ranked waits: 0, 10, 20, 30, 40, 50, 60.
            #expect(hello.waitP50Ms == 30)
        }
    }

    @Test("a function that was only throttled has counts but no percentiles")
    func onlyThrottled() async throws {
        try await InvocationFixtures.withStore(holding: [
            Self.record(function: "busy", durationMs: 0, status: .throttled)
        ]) { store in
            let busy = try #require(try await store.statistics().first)
            #expect(busy.throttles == 1)
            #expect(busy.durationP50Ms == nil && busy.waitP50Ms == nil && busy.initDurationP50Ms == nil)
            let line = try formatter.json(busy)
            #expect(!line.contains("duration_p50_ms"))
        }
    }

    @Test("--function, --trigger, --since and --until narrow what is counted")
    func filters() async throws {
        let records = InvocationFixtures.variedRecords(count: 60)
        try await InvocationFixtures.withStore(holding: records) { store in
            let resize = try await Stats.parse(["--function", "resize", "--json"])
                .output(from: store, formatter: formatter)
            #expect(resize.split(separator: "\n").count == 1)
            #expect(resize.contains(#""invocations":20"#))

            // records[50] started 50 ms after the first.
            let recent = try await store.statistics(
                filter: Stats.parse(["--since", "2023-11-14T22:13:20.050Z"]).filter
            )
            #expect(recent.map(\.invocations).reduce(0, +) == 10)
            let queue = try await store.statistics(filter: Stats.parse(["--trigger", "queue"]).filter)
            #expect(queue.map(\.invocations).reduce(0, +) == records.filter { $0.trigger == .queue }.count)

            let none = try await Stats.parse(["--function", "nope"]).output(from: store, formatter: formatter)
            #expect(none == "No invocations match the filters.")
            #expect(
                try await Stats.parse(["--function", "nope", "--json"]).output(from: store, formatter: formatter)
                    .isEmpty
            )
        }
    }

    @Test("--json prints one object per function with snake_case keys, which decodes back to the statistics")
    func json() async throws {
        try await InvocationFixtures.withStore(holding: InvocationFixtures.variedRecords(count: 30)) { store in
            let lines = try await Stats.parse(["--json"]).output(from: store, formatter: formatter)
                .split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(object["function"] as? String == "hello")
            for key in ["invocations", "error_rate", "cold_start_share", "duration_p95_ms", "wait_p50_ms"] {
                #expect(object[key] != nil, "\(key)")
            }
            let decoded = try lines.map { try JSONDecoder().decode(InvocationStatistics.self, from: Data($0.utf8)) }
            #expect(decoded == (try await store.statistics()))
        }
    }

    @Test("the table has a row per function, numbers right-aligned, and explains its units")
    func table() async throws {
        var records = (1...4).map { Self.record(function: "hello", durationMs: Double($0) * 1.5) }
        records[0].cold = true
        records[0].initDurationMs = 41.25
        records[1].status = .error
        records.append(Self.record(function: "resize-images", durationMs: 1_234.5, status: .timeout))
        try await InvocationFixtures.withStore(holding: records) { store in
            let output = try await Stats.parse([]).output(from: store, formatter: formatter)
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(
                Array(lines.prefix(3)) == [
                    "FUNCTION       INVOCATIONS  ERRORS  ERROR RATE  TIMEOUTS  CRASHES  THROTTLES   COLD     P50     "
                        + "P95     P99  INIT P50  WAIT P50",
                    "hello                    4       1       25.0%         0        0          0  25.0%    3.00    "
                        + "6.00    6.00     41.25      0.25",
                    "resize-images            1       0        0.0%         1        0          0   0.0%  1234.5  "
                        + "1234.5  1234.5         -      0.25",
                ]
            )
            #expect(lines.suffix(2) == ["", StatsCommandTests.legend])
        }
    }

    @Test("bad values are rejected, saying what was wrong")
    func rejectsBadValues() throws {
        #expect(throws: (any Error).self) { try Stats.parse(["--since", "yesterday"]) }
        #expect(throws: (any Error).self) { try Stats.parse(["--function", ""]) }
        #expect(throws: (any Error).self) { try Stats.parse(["--since", "1h", "--until", "2h"]) }
        #expect(try Stats.parse([]).source.path == InvocationLog.defaultDatabasePath)
    }

    /// The line under the table that explains its units.
    static let legend =
        "Milliseconds; nearest-rank percentiles of the duration, the cold-start init and the wait for a worker."

    /// A warm, successful invocation of `function` that ran for `durationMs`.
    static func record(
        function: String,
        durationMs: Double,
        status: InvocationRecord.Status = .success
    ) -> InvocationRecord {
        var record = InvocationFixtures.record(function: function, status: status)
        record.durationMs = durationMs
        return record
    }

}
