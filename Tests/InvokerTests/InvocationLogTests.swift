import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Invoker

@Suite("Invocation log")
struct InvocationLogTests {
    @Test("UUIDv7 text form puts the timestamp, version, counter and variant where RFC 9562 says")
    func uuidV7Layout() throws {
        let id = UUIDv7Generator.format(milliseconds: 0x0193_a5e2_7c41, counter: 0xd2a, random: .max)
        #expect(id == "0193a5e2-7c41-7d2a-bfff-ffffffffffff")

        let generated = UUIDv7Generator().next()
        let characters = Array(generated)
        #expect(characters.count == 36)
        #expect(characters[14] == "7")
        #expect("89ab".contains(characters[19]))
        #expect([8, 13, 18, 23].allSatisfy { characters[$0] == "-" })
        #expect(generated == generated.lowercased())
        #expect(UUID(uuidString: generated) != nil)
    }

    @Test("UUIDv7 ids increase within a millisecond, past the counter, and when the clock steps back")
    func uuidV7Ordering() {
        let clock = Mutex<UInt64>(1_700_000_000_000)
        let generator = UUIDv7Generator(now: { clock.withLock { $0 } })
        var ids = (0..<5_000).map { _ in generator.next() }
        clock.withLock { $0 -= 10 }
        ids += (0..<10).map { _ in generator.next() }
        #expect(ids.first?.hasPrefix("018bcfe5-6800-7") == true)
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })

        let system = UUIDv7Generator()
        let systemIDs = (0..<1_000).map { _ in system.next() }
        #expect(systemIDs == systemIDs.sorted())
        #expect(Set(systemIDs).count == systemIDs.count)
    }

    @Test("records appended from many tasks are all written, field for field")
    func appendFromManyTasks() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            let records = InvocationFixtures.variedRecords(count: 2_000)
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                await withTaskGroup { appenders in
                    for slice in stride(from: 0, to: records.count, by: 250) {
                        appenders.addTask { records[slice..<slice + 250].forEach(log.append) }
                    }
                }
                try await log.flush()
                group.cancelAll()
            }
            let stored = try await SQLiteInvocationStore(path: path).list(limit: 10_000)
            #expect(stored.count == records.count)
            #expect(
                Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
                    == Dictionary(
                        uniqueKeysWithValues: records.map { ($0.id, $0) }
                    )
            )
            #expect(log.droppedRecords == 0)
        }
    }

    @Test("graceful shutdown writes the records appended before and during it")
    func gracefulShutdownWritesEverything() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let records = InvocationFixtures.variedRecords(count: 600)
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            let (started, startedContinuation) = AsyncStream<Void>.makeStream()
            let producer = ProducerService {
                records[..<500].forEach(log.append)
                startedContinuation.yield()
                try? await gracefulShutdown()
                // Invocations in flight when shutdown began finish and are recorded during the drain.
                records[500...].forEach(log.append)
            }
            // The log is listed first so that it shuts down last.
            let group = ServiceGroup(services: [log, producer], logger: InvocationFixtures.quietLogger)
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                for await _ in started { break }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let stored = try await SQLiteInvocationStore(path: path).list(limit: 1_000)
            #expect(Set(stored.map(\.id)) == Set(records.map(\.id)))
        }
    }

    @Test("cancellation of the writer still writes what was buffered")
    func cancellationWritesBuffered() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let records = InvocationFixtures.variedRecords(count: 300)
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            records.forEach(log.append)
            await withThrowingTaskGroup(of: Void.self) { group in
                group.cancelAll()
                group.addTask { try await log.run() }
            }
            #expect(try await SQLiteInvocationStore(path: path).list(limit: 1_000).count == records.count)
            log.append(InvocationFixtures.record())
            #expect(log.droppedRecords == 1)
            try await log.flush()
        }
    }

    @Test("a full buffer drops records, counts them and reports it")
    func fullBufferDropsAndReports() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let recorder = LogRecorder()
            var configuration = InvocationLog.Configuration()
            configuration.bufferCapacity = 10
            let log = try InvocationLog(path: path, configuration: configuration, logger: recorder.logger)
            InvocationFixtures.variedRecords(count: 15).forEach(log.append)
            #expect(log.droppedRecords == 5)
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                try await log.flush()
                group.cancelAll()
            }
            #expect(try await SQLiteInvocationStore(path: path).list(limit: 100).count == 10)
            let report = try #require(recorder.entries.first { $0.message.description.contains("dropped") })
            #expect(report.level == .warning)
            #expect(report.metadata[LogKey.logDropped] == "5")
        }
    }

    @Test("a failed write is reported and retried until it succeeds")
    func failedWritesAreRetried() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let recorder = LogRecorder()
            var configuration = InvocationLog.Configuration()
            configuration.initialRetryDelay = .milliseconds(1)
            configuration.maximumRetryDelay = .milliseconds(5)
            let log = try InvocationLog(path: path, configuration: configuration, logger: recorder.logger)
            let blocker = try InvocationFixtures.lockedDatabase(at: path)

            let records = InvocationFixtures.variedRecords(count: 20)
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                records.forEach(log.append)
                try await InvocationFixtures.poll {
                    recorder.entries.contains { $0.message.description.contains("retrying") }
                }
                try await blocker.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
                try await log.flush()
                group.cancelAll()
            }
            #expect(try await SQLiteInvocationStore(path: path).list(limit: 100).count == records.count)
            let failure = try #require(recorder.entries.first { $0.message.description.contains("retrying") })
            #expect(failure.level == .error)
            #expect(failure.error != nil)
        }
    }

    @Test("records that cannot be written during shutdown are reported lost, and flush says so")
    func lostOnShutdown() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let recorder = LogRecorder()
            var configuration = InvocationLog.Configuration()
            configuration.initialRetryDelay = .milliseconds(1)
            configuration.maximumRetryDelay = .milliseconds(1)
            configuration.attemptsOnShutdown = 2
            let log = try InvocationLog(path: path, configuration: configuration, logger: recorder.logger)
            let blocker = try InvocationFixtures.lockedDatabase(at: path)

            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                InvocationFixtures.variedRecords(count: 5).forEach(log.append)
                try await InvocationFixtures.poll {
                    recorder.entries.contains { $0.message.description.contains("retrying") }
                }
                group.cancelAll()
                try await group.waitForAll()
            }
            let error = await #expect(throws: InvocationLogError.self) { try await log.flush() }
            #expect(error?.code == .recordsLost)
            #expect(error?.message.contains(path) == true)
            let report = try #require(recorder.entries.first { $0.message.description.contains("lost") })
            #expect(report.metadata[LogKey.logRecords] == "5")
            try await blocker.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        }
    }

    @Test("a record whose id is already logged is ignored and reported, without failing its batch")
    func duplicateIDs() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let recorder = LogRecorder()
            let log = try InvocationLog(path: path, logger: recorder.logger)
            let records = InvocationFixtures.variedRecords(count: 3)
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                (records + [records[1]]).forEach(log.append)
                try await log.flush()
                group.cancelAll()
            }
            #expect(try await SQLiteInvocationStore(path: path).list(limit: 10).count == 3)
            let report = try #require(recorder.entries.first { $0.message.description.contains("ignored") })
            #expect(report.metadata[LogKey.logDuplicates] == "1")
        }
    }

    @Test("listing filters by function, status, trigger and time, newest first, up to the limit")
    func listFilters() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let records = InvocationFixtures.variedRecords(count: 60)
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            try await log.database.write { db in
                for record in records {
                    try record.insert(db)
                }
            }
            let store = try SQLiteInvocationStore(path: path)
            let newestFirst = Array(records.reversed())

            #expect(try await store.list(limit: 100) == newestFirst)
            #expect(try await store.list(limit: 7) == Array(newestFirst.prefix(7)))
            #expect(
                try await store.list(filter: InvocationFilter(function: "resize"), limit: 100)
                    == newestFirst.filter { $0.function == "resize" }
            )
            #expect(
                try await store.list(filter: InvocationFilter(statuses: [.error, .timeout]), limit: 100)
                    == newestFirst.filter { [.error, .timeout].contains($0.status) }
            )
            #expect(
                try await store.list(filter: InvocationFilter(trigger: .queue), limit: 100)
                    == newestFirst.filter { $0.trigger == .queue }
            )
            let middle = records[30].startedAt
            #expect(
                try await store.list(filter: InvocationFilter(since: middle), limit: 100)
                    == newestFirst.filter { $0.startedAt >= middle }
            )
            #expect(
                try await store.list(filter: InvocationFilter(until: middle), limit: 100)
                    == newestFirst.filter { $0.startedAt < middle }
            )
            let combined = InvocationFilter(function: "hello", statuses: [.success], trigger: .http, since: middle)
            #expect(
                try await store.list(filter: combined, limit: 2)
                    == Array(
                        newestFirst.filter {
                            $0.function == "hello" && $0.status == .success && $0.trigger == .http
                                && $0.startedAt >= middle
                        }.prefix(2)
                    )
            )
        }
    }

    @Test("an id or a unique prefix finds one record; an ambiguous, unknown or malformed one is a clear error")
    func prefixResolution() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let ids = UUIDv7Generator(now: { 1_700_000_000_000 })
            let records = (0..<3).map { _ in InvocationFixtures.record(id: ids.next()) }
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            try await log.database.write { db in
                for record in records {
                    try record.insert(db)
                }
            }
            let store = try SQLiteInvocationStore(path: path)
            let target = records[1]

            #expect(try await store.record(idOrPrefix: target.id) == target)
            #expect(try await store.record(idOrPrefix: String(target.id.prefix(30)).uppercased()) == target)

            let ambiguous = await #expect(throws: InvocationLogError.self) {
                try await store.record(idOrPrefix: "018bcfe5")
            }
            #expect(ambiguous?.code == .ambiguousPrefix)
            #expect(ambiguous?.message.contains("3 invocations") == true)

            let missing = await #expect(throws: InvocationLogError.self) {
                try await store.record(idOrPrefix: "00000000-0000-7000-8000-000000000000")
            }
            #expect(missing?.code == .invocationNotFound)
            #expect(missing?.message.contains(path) == true)

            let malformed = await #expect(throws: InvocationLogError.self) {
                try await store.record(idOrPrefix: "hello!")
            }
            #expect(malformed?.code == .invalidID)
        }
    }

    @Test("the log can be read once its writer has closed it")
    func readAfterWriterClosed() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let records = InvocationFixtures.variedRecords(count: 3)
            try await Self.writeAndClose(records, at: path)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
            #expect(try await SQLiteInvocationStore(path: path).list(limit: 10) == records.reversed())
        }
    }

    /// Writes `records` with a log of its own, which is closed on return.
    private static func writeAndClose(_ records: [InvocationRecord], at path: String) async throws {
        let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
        try await withThrowingTaskGroup { group in
            group.addTask { try await log.run() }
            records.forEach(log.append)
            try await log.flush()
            group.cancelAll()
        }
    }

    @Test("opening a missing database or a file that is not a log says so, naming the path")
    func storeOpenErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invoker-\(UUID())")
        let missingPath = directory.appendingPathComponent("invocations.sqlite").path
        let missing = #expect(throws: InvocationLogError.self) { try SQLiteInvocationStore(path: missingPath) }
        #expect(missing?.code == .databaseNotFound)
        #expect(missing?.message.contains(missingPath) == true)
        #expect(missing?.message.contains("invoker serve") == true)

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let otherPath = directory.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: otherPath).write { try $0.execute(sql: "CREATE TABLE t (x)") }
        let other = #expect(throws: InvocationLogError.self) { try SQLiteInvocationStore(path: otherPath) }
        #expect(other?.code == .notAnInvocationLog)
    }

    @Test("the migrations create the indexes that filtered newest-first listings use")
    func migrationsCreateIndexes() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            try await log.database.read { db in
                #expect(
                    try db.columns(in: "invocations").map(\.name)
                        == InvocationRecord.CodingKeys.allCases.map(\.rawValue)
                )
                #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
                let filters = [
                    ("invocations_by_function", InvocationFilter(function: "hello")),
                    ("invocations_by_status", InvocationFilter(statuses: [.error])),
                    ("invocations_by_trigger", InvocationFilter(trigger: .queue)),
                ]
                for (index, filter) in filters {
                    let statement = try filter.request.limit(20).makePreparedRequest(db).statement
                    let plan = try Row.fetchAll(
                        db,
                        sql: "EXPLAIN QUERY PLAN " + statement.sql,
                        arguments: statement.arguments
                    ).map { row -> String in row["detail"] }.joined(separator: "\n")
                    #expect(plan.contains("USING INDEX \(index)"), "\(plan)")
                    #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
                }
            }
        }
    }
}

/// Records, database paths and loggers for the invocation log tests.
enum InvocationFixtures {
    /// Runs `body` with a store holding `records`, of the kind under test (``EveryStorage``): read-only
    /// over a fresh SQLite file, or over a fresh PostgreSQL database.
    static func withStore(
        holding records: [InvocationRecord],
        _ body: (any InvocationStore) async throws -> Void
    ) async throws {
        if EveryStorage.current == .postgres {
            return try await withPostgresDatabase { database in
                _ = try await PostgresInvocationSink(database: database).insert(records[...])
                try await body(PostgresInvocationStore(database: database))
            }
        }
        try await withDatabasePath { path in
            let log = try InvocationLog(path: path, logger: quietLogger)
            try await log.database.write { db in
                for record in records {
                    try record.insert(db)
                }
            }
            try await body(SQLiteInvocationStore(path: path))
        }
    }

    /// A logger that discards everything.
    static let quietLogger = Logger(label: "invocation-log-tests") { _ in SwiftLogNoOpLogHandler() }

    /// Runs `body` with the path of a database file in a fresh temporary directory (its parent directory not yet
    /// created), and removes the directory afterwards.
    static func withDatabasePath<T>(_ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invoker-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory.appendingPathComponent("state/invocations.sqlite").path)
    }

    /// The date `milliseconds` after 1970, made the way the log reads dates back so that records compare equal
    /// after a round trip.
    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// A record started at `startedAt` (a whole millisecond, as stored).
    static func record(
        id: String = UUIDv7Generator().next(),
        function: String = "hello",
        trigger: InvocationRecord.Trigger = .http,
        status: InvocationRecord.Status = .success,
        startedAt: Date = date(milliseconds: 1_700_000_000_125)
    ) -> InvocationRecord {
        InvocationRecord(
            id: id,
            function: function,
            trigger: trigger,
            startedAt: startedAt,
            endedAt: date(milliseconds: EpochTime.ms(startedAt) + 4),
            durationMs: 3.75,
            waitMs: 0.25,
            cold: false,
            status: status,
            requestBytes: 120,
            responseBytes: 17
        )
    }

    /// `count` records, oldest first a millisecond apart, cycling through functions, triggers and statuses; every
    /// other one has all its optional fields set.
    static func variedRecords(count: Int) -> [InvocationRecord] {
        let ids = UUIDv7Generator()
        let functions = ["hello", "resize", "legacy-python"]
        // The triggers the listings' expectations were written for: a sixth would change which functions a
        // trigger's records belong to. Every other record has every optional column, `scheduled_at` too.
        let triggers = InvocationRecord.Trigger.allCases.filter { $0 != .schedule }
        let statuses = InvocationRecord.Status.allCases
        return (0..<count).map { index in
            var record = record(
                id: ids.next(),
                function: functions[index % 3],
                trigger: triggers[index % triggers.count],
                status: statuses[index / 3 % statuses.count],
                startedAt: date(milliseconds: 1_700_000_000_000 + Int64(index))
            )
            guard index.isMultiple(of: 2) else { return record }
            record.initDurationMs = 12.5
            record.cold = true
            record.httpStatus = 502
            record.errorType = "Runtime.Crash"
            record.errorMessage = "worker exited with signal 9 — «killed»"
            record.workerPid = 4242
            record.maxMemoryKB = 20_480
            record.queueMessageId = "message-\(index)"
            record.attempt = 2
            record.log = "line one\nline two: ✓\n"
            record.scheduledAt = date(milliseconds: 1_700_000_000_000 - 1_000 + Int64(index))
            return record
        }
    }

    /// Another connection to the database at `path`, holding its write lock until it executes `COMMIT`.
    static func lockedDatabase(at path: String) throws -> DatabaseQueue {
        var configuration = GRDB.Configuration()
        configuration.allowsUnsafeTransactions = true
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try database.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        return database
    }

    /// Waits until `condition` holds, checking every millisecond, for at most `timeout`.
    static func poll(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            try #require(ContinuousClock.now < deadline, "condition not met within \(timeout)")
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// A service that runs a closure, for composing a `ServiceGroup` in tests.
private struct ProducerService: Service {
    /// What the service does when run.
    let body: @Sendable () async -> Void

    /// Runs the closure.
    func run() async throws {
        await body()
    }
}

/// Keeps what is logged through its ``logger``, for checking log output without the global logging system.
final class LogRecorder: Sendable {
    /// One logged message.
    struct Entry: Sendable {
        /// The message's level.
        var level: Logger.Level
        /// The message.
        var message: Logger.Message
        /// The metadata of the logger and the message.
        var metadata: Logger.Metadata
        /// The error logged with the message.
        var error: (any Error)?
    }

    /// Everything logged so far.
    var entries: [Entry] { storage.withLock { $0 } }

    /// A logger whose messages this recorder keeps, at every level.
    var logger: Logger {
        var logger = Logger(label: "recorder") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The entries.
    private let storage = Mutex<[Entry]>([])

    /// The handler that feeds the recorder.
    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let entry = Entry(
                level: event.level,
                message: event.message,
                metadata: metadata.merging(event.metadata ?? [:]) { $1 },
                error: event.error
            )
            recorder.storage.withLock { $0.append(entry) }
        }
    }
}
