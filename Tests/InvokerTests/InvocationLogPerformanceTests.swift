import Foundation
import GRDB
import Testing

@testable import Invoker

@Suite("Invocation log with 1,000,000 records")
struct InvocationLogPerformanceTests {
    /// How many records the table holds.
    static let count = 1_000_000
    /// The functions the records cycle through.
    static let functions = (0..<10).map { "function-\($0)" }

    @Test("the filtered newest-first listings walk an index without sorting, and the newest 50 of a function are fast")
    func millionRows() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            let now = EpochTime.ms(Date())
            let filled = ContinuousClock.now
            try await Self.fill(log, endingAt: now)
            print("filled 1,000,000 records in \(ContinuousClock.now - filled)")
            let store = try SQLiteInvocationStore(path: path)
            let hourAgo = InvocationFixtures.date(milliseconds: now - 3_600_000)

            let listings: [(String, InvocationFilter, String)] = [
                ("newest 50 of one function", InvocationFilter(function: "function-3"), "invocations_by_function"),
                ("newest 50 errors", InvocationFilter(statuses: [.error]), "invocations_by_status"),
                ("newest 50 queue invocations", InvocationFilter(trigger: .queue), "invocations_by_trigger"),
                // The primary key's index, newest first, until 50 have started since.
                ("newest 50 since an hour ago", InvocationFilter(since: hourAgo), "sqlite_autoindex_invocations_1"),
                (
                    "newest 50 of one function since an hour ago",
                    InvocationFilter(function: "function-3", since: hourAgo), "invocations_by_function"
                ),
            ]
            for (name, filter, index) in listings {
                let plan = try await Self.plan(of: filter.request.limit(50), in: log.database)
                #expect(plan.contains("USING INDEX \(index)"), "\(name): \(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(name): \(plan)")
                let (records, time) = try await Self.measure { try await store.list(filter: filter, limit: 50) }
                #expect(records.count == 50, "\(name)")
                print("\(name) of 1,000,000: \(time) (median of 20)")
            }

            // Several statuses: each status's index range is read newest first; SQLite sorts only until the limit.
            let failures = InvocationFilter(statuses: InvocationRecord.Status.failures)
            let plan = try await Self.plan(of: failures.request.limit(50), in: log.database)
            #expect(plan.contains("USING INDEX invocations_by_status"), "\(plan)")
            let (records, time) = try await Self.measure { try await store.list(filter: failures, limit: 50) }
            #expect(records.map(\.id) == records.map(\.id).sorted(by: >))
            print("newest 50 failures (--errors) of 1,000,000: \(time) (median of 20)")
        }
    }

    /// Inserts ``count`` records into `log` in one transaction through the writer's prepared statement: one every
    /// 2.6 s up to `end` (about a month), cycling through ten functions and the triggers; 4% of them failed.
    static func fill(_ log: InvocationLog, endingAt end: Int64) async throws {
        let statuses: [InvocationRecord.Status] = [.error, .timeout, .crash, .throttled]
        let triggers = InvocationRecord.Trigger.allCases
        try await log.database.write { db in
            let statement = try InvocationInsertStatement(db)
            var random = SystemRandomNumberGenerator()
            var record = InvocationFixtures.record()
            for index in 0..<count {
                let milliseconds = end - Int64(count - 1 - index) * 2_600
                record.id = UUIDv7Generator.format(
                    milliseconds: UInt64(milliseconds),
                    counter: 0,
                    random: random.next()
                )
                record.function = functions[index % functions.count]
                record.trigger = triggers[index % triggers.count]
                record.status = index % 25 == 0 ? statuses[index / 25 % statuses.count] : .success
                record.startedAt = InvocationFixtures.date(milliseconds: milliseconds)
                record.endedAt = record.startedAt
                record.durationMs = Double(index % 1_000) / 10
                _ = try statement.insert(record)
            }
        }
    }

    /// The query plan of `request`, one step per line.
    static func plan(
        of request: QueryInterfaceRequest<InvocationRecord>,
        in database: DatabasePool
    ) async throws
        -> String
    {
        try await database.read { db in
            let statement = try request.makePreparedRequest(db).statement
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments)
                .map { row -> String in row["detail"] }.joined(separator: "\n")
        }
    }

    /// Runs `body` 20 times and returns its last result and the median time it took.
    static func measure<T>(_ body: () async throws -> T) async throws -> (T, Duration) {
        var result = try await body()
        var times: [Duration] = []
        for _ in 0..<20 {
            let start = ContinuousClock.now
            result = try await body()
            times.append(ContinuousClock.now - start)
        }
        return (result, times.sorted()[times.count / 2])
    }
}
