import ArgumentParser
import Foundation
import GRDB
import Logging
import Testing

@testable import Invoker

@Suite("Invocation log retention")
struct InvocationRetentionTests {
    @Test("pruning by age deletes exactly the invocations that started before the cutoff, chunk by chunk")
    func pruneByAge() async throws {
        try await withLog(chunkSize: 7) { log, records async throws in
            let cutoff = records[40].startedAt
            #expect(try await log.prune(olderThan: cutoff, keepingNewest: nil) == 40)
            #expect(try await storedIDs(log) == Set(records[40...].map(\.id)))
            #expect(try await log.prune(olderThan: cutoff, keepingNewest: nil) == 0)
        }
    }

    @Test("pruning by count keeps exactly the newest records, by id")
    func pruneByCount() async throws {
        try await withLog(chunkSize: 7) { log, records async throws in
            #expect(try await log.prune(olderThan: nil, keepingNewest: 30) == 70)
            #expect(try await storedIDs(log) == Set(records.suffix(30).map(\.id)))
            #expect(try await log.prune(olderThan: nil, keepingNewest: 30) == 0)
            #expect(try await log.prune(olderThan: nil, keepingNewest: 1_000) == 0)
            #expect(try await log.prune(olderThan: nil, keepingNewest: 0) == 30)
            #expect(try await storedIDs(log).isEmpty)
        }
    }

    @Test("pruning by age and count applies both rules")
    func pruneByBoth() async throws {
        try await withLog(chunkSize: 1_000) { log, records async throws in
            #expect(try await log.prune(olderThan: records[90].startedAt, keepingNewest: 20) == 90)
            #expect(try await storedIDs(log) == Set(records[90...].map(\.id)))
            #expect(try await log.prune(olderThan: records[50].startedAt, keepingNewest: 4) == 6)
            #expect(try await storedIDs(log) == Set(records.suffix(4).map(\.id)))
        }
    }

    @Test("the writer keeps the newest retainRows records while appends continue, and drops none")
    func backgroundByCount() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            var configuration = InvocationLog.Configuration()
            configuration.retainDays = nil
            configuration.retainRows = 500
            configuration.retentionInterval = .milliseconds(5)
            configuration.retentionChunkSize = 100
            let log = try InvocationLog(
                path: path,
                configuration: configuration,
                logger: InvocationFixtures.quietLogger
            )
            let store = try SQLiteInvocationStore(path: path)
            let records = InvocationFixtures.variedRecords(count: 4_000)
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                for round in 0..<8 {
                    let slice = records[round * 500..<(round + 1) * 500]
                    slice.forEach(log.append)
                    try await log.flush()
                    // Each round adds 500 records to the 500 kept: the writer deletes the older ones between rounds.
                    try await InvocationFixtures.poll {
                        (try? store.countSynchronously()) == 500
                    }
                    #expect(try await store.list(limit: 1).first?.id == slice.last?.id)
                }
                group.cancelAll()
            }
            #expect(Set(try await store.list(limit: 1_000).map(\.id)) == Set(records.suffix(500).map(\.id)))
            #expect(log.droppedRecords == 0)
        }
    }

    @Test("the writer deletes the records older than retainDays")
    func backgroundByAge() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            var configuration = InvocationLog.Configuration()
            configuration.retainDays = 2
            configuration.retentionInterval = .milliseconds(5)
            let log = try InvocationLog(
                path: path,
                configuration: configuration,
                logger: InvocationFixtures.quietLogger
            )
            let store = try SQLiteInvocationStore(path: path)
            let ids = UUIDv7Generator()
            let now = Date()
            let ages: [Double] = [10, 3, 2.1, 1.9, 0.5, 0]
            let records = ages.map { days in
                InvocationFixtures.record(id: ids.next(), startedAt: now.addingTimeInterval(-days * 86_400))
            }
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                records.forEach(log.append)
                try await log.flush()
                try await InvocationFixtures.poll { (try? store.countSynchronously()) == 3 }
                group.cancelAll()
            }
            #expect(Set(try await store.list(limit: 10).map(\.id)) == Set(records.suffix(3).map(\.id)))
        }
    }

    @Test("invoker prune deletes by hand while the server writes, and says how many it deleted")
    func pruneCommand() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let recorder = LogRecorder()
            var configuration = InvocationLog.Configuration()
            configuration.retainDays = nil
            configuration.retainRows = nil
            let log = try InvocationLog(path: path, configuration: configuration, logger: recorder.logger)
            let old = InvocationFixtures.variedRecords(count: 3_000)
            let new = (0..<2_000).map { _ in InvocationFixtures.record(startedAt: Date()) }
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                old.forEach(log.append)
                try await log.flush()
                // The server keeps writing while the command, another connection, deletes.
                async let appended: Void = {
                    for slice in stride(from: 0, to: new.count, by: 100) {
                        new[slice..<slice + 100].forEach(log.append)
                        try await log.flush()
                    }
                }()
                let output = try await Prune.parse(["--db", path, "--older-than", "2024-01-01T00:00:00Z"])
                    .prune(logger: InvocationFixtures.quietLogger)
                try await appended
                #expect(output == "Deleted 3000 invocation records from \(path).")
                group.cancelAll()
            }
            #expect(
                Set(try await SQLiteInvocationStore(path: path).list(limit: 10_000).map(\.id)) == Set(new.map(\.id))
            )
            #expect(!recorder.entries.contains { $0.level >= .warning })

            let kept = try await Prune.parse(["--db", path, "--keep-rows", "1999"])
                .prune(logger: InvocationFixtures.quietLogger)
            #expect(kept == "Deleted 1 invocation record from \(path).")
        }
    }

    @Test("invoker prune needs a rule and an existing log, and says so")
    func pruneCommandErrors() async throws {
        #expect(Prune.message(for: try failure { try Prune.parse([]) }).contains("--older-than"))
        #expect(Prune.message(for: try failure { try Prune.parse(["--keep-rows", "-1"]) }).contains("--keep-rows"))
        #expect(Prune.message(for: try failure { try Prune.parse(["--older-than", "soon"]) }).contains("soon"))
        try await InvocationFixtures.withDatabasePath { path in
            let error = await #expect(throws: InvocationLogError.self) {
                try await Prune.parse(["--db", path, "--keep-rows", "1"]).prune(logger: InvocationFixtures.quietLogger)
            }
            #expect(error?.code == .databaseNotFound)
            #expect(error?.message.contains(path) == true)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("a retention that would delete everything by mistake is refused, naming the value")
    func invalidRetention() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            var configuration = InvocationLog.Configuration()
            configuration.retainDays = 0
            let days = #expect(throws: InvocationLogError.self) {
                try InvocationLog(path: path, configuration: configuration, logger: InvocationFixtures.quietLogger)
            }
            #expect(days?.code == .invalidRetention)
            #expect(days?.message.contains("not 0") == true)
            configuration.retainDays = nil
            configuration.retainRows = -1
            let rows = #expect(throws: InvocationLogError.self) {
                try InvocationLog(path: path, configuration: configuration, logger: InvocationFixtures.quietLogger)
            }
            #expect(rows?.message.contains("not -1") == true)
            configuration.retainRows = nil
            let log = try InvocationLog(
                path: path,
                configuration: configuration,
                logger: InvocationFixtures.quietLogger
            )
            await #expect(throws: InvocationLogError.self) { try await log.prune(olderThan: nil, keepingNewest: -5) }
        }
    }

    /// Runs `body` with a log holding 100 records that started a second apart, oldest first, and deleting
    /// `chunkSize` records per transaction.
    private func withLog(
        chunkSize: Int,
        _ body: (InvocationLog, [InvocationRecord]) async throws -> Void
    ) async throws {
        try await InvocationFixtures.withDatabasePath { path in
            var configuration = InvocationLog.Configuration()
            configuration.retentionChunkSize = chunkSize
            let log = try InvocationLog(
                path: path,
                configuration: configuration,
                logger: InvocationFixtures.quietLogger
            )
            let ids = UUIDv7Generator()
            let records = (0..<100).map { index in
                InvocationFixtures.record(
                    id: ids.next(),
                    startedAt: InvocationFixtures.date(milliseconds: 1_700_000_000_000 + Int64(index) * 1_000)
                )
            }
            // Written newest first: the order of the rows on disk does not matter.
            try await log.database.write { db in
                for record in records.reversed() {
                    try record.insert(db)
                }
            }
            try await body(log, records)
        }
    }

    /// The ids of the records in `log`.
    private func storedIDs(_ log: InvocationLog) async throws -> Set<String> {
        try await log.database.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM invocations")) }
    }

    /// The error `parse` throws; fails the test if it throws none.
    private func failure(_ parse: () throws -> Prune) throws -> any Error {
        try #require(throws: (any Error).self) { try parse() }
    }
}

extension SQLiteInvocationStore {
    /// How many records the log holds, read synchronously for polling in tests.
    fileprivate func countSynchronously() throws -> Int {
        try database.read { try InvocationRecord.fetchCount($0) }
    }
}
