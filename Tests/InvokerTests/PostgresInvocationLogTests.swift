import ArgumentParser
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing

@testable import Invoker

@Suite("Invocation log in PostgreSQL")
struct PostgresInvocationLogTests {
    @Test("a batch is inserted in one statement and reads back equal, optional fields and NUL characters included")
    func roundTrip() async throws {
        var records = InvocationFixtures.variedRecords(count: 40)
        records[1].log = "before\u{0}after"
        records[2].node = "builder-2:8080"
        try await InvocationFixtures.withPostgresDatabase { database in
            let sink = PostgresInvocationSink(database: database)
            #expect(try await sink.insert(records[...]) == 0)
            #expect(await sink.isWritable())
            var expected = records
            expected[1].log = "before\u{FFFD}after"
            let stored = try await PostgresInvocationStore(database: database).list(limit: 100)
            #expect(stored == expected.reversed())
        }
    }

    @Test("a batch waits for another node's batch to commit, so following the log never passes over a record")
    func followAcrossConcurrentBatches() async throws {
        let records = InvocationFixtures.variedRecords(count: 2)
        try await InvocationFixtures.withPostgresDatabase { database in
            let store = PostgresInvocationStore(database: database)
            let filter = InvocationFilter()
            let start = try await store.newest(matching: filter, limit: 10)
            try await database.withConnection { first in
                // One node's batch is numbered and has not committed yet when another node writes its own.
                let logger = TestPostgres.logger
                try await first.query("BEGIN", logger: logger).drain()
                try await first.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresInvocationSink.writeLockKey))",
                    logger: logger
                )
                .drain()
                try await first.query(PostgresInvocationSink.insertQuery(records[0..<1]), logger: logger).drain()
                let second = Task { try await PostgresInvocationSink(database: database).insert(records[1..<2]) }
                // The other batch has committed, or waits for the first.
                #expect(
                    try await eventually {
                        let visible = try await store.list(filter: filter, limit: 10, before: nil)
                        let waiting = try await database.client.query(
                            """
                            SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                            """
                        ).collect().first?.decode(Int64.self)
                        return !visible.isEmpty || waiting == 1
                    }
                )
                let meanwhile = try await store.records(matching: filter, writtenAfter: start.position, limit: 10)
                #expect(meanwhile.records.isEmpty)
                try await first.query("COMMIT", logger: logger).drain()
                #expect(try await second.value == 0)
                let after = try await store.records(matching: filter, writtenAfter: meanwhile.position, limit: 10)
                #expect(after.records.map(\.id) == records.map(\.id), "both, the first batch first")
            }
        }
    }

    @Test("records whose ids are already stored are ignored and counted, in a later batch or the same one")
    func duplicates() async throws {
        let records = InvocationFixtures.variedRecords(count: 10)
        try await InvocationFixtures.withPostgresDatabase { database throws in
            let sink = PostgresInvocationSink(database: database)
            #expect(try await sink.insert(records[0..<6]) == 0)
            #expect(try await sink.insert(records[4..<10]) == 2)
            #expect(try await sink.insert((records[..<1] + records[..<1])[...]) == 2)
            #expect(try await PostgresInvocationStore(database: database).list(limit: 100).count == 10)
        }
    }

    @Test("retention deletes by age, then all but the newest, oldest first in chunks")
    func retention() async throws {
        let records = InvocationFixtures.variedRecords(count: 25)
        try await InvocationFixtures.withPostgresDatabase { database in
            var configuration = InvocationLog.Configuration()
            configuration.retentionChunkSize = 4
            let log = try InvocationLog(
                sink: PostgresInvocationSink(database: database),
                configuration: configuration,
                logger: InvocationFixtures.quietLogger
            )
            _ = try await log.sink.insert(records[...])
            let store = PostgresInvocationStore(database: database)
            // The records start a millisecond apart: the first five are older than the sixth.
            #expect(try await log.prune(olderThan: records[5].startedAt, keepingNewest: nil) == 5)
            #expect(try await store.list(limit: 100) == records[5...].reversed())
            #expect(try await log.prune(olderThan: nil, keepingNewest: 7) == 13)
            #expect(try await store.list(limit: 100) == records[18...].reversed())
            #expect(try await log.prune(olderThan: nil, keepingNewest: 0) == 7)
            #expect(try await log.sink.newestRecordID(beyondNewest: 0) == nil)
        }
    }

    @Test("pages chained by the last id list every match once; a follow feed yields what is written after the listing")
    func pagingAndFollow() async throws {
        let records = InvocationFixtures.variedRecords(count: 95)
        let filter = InvocationFilter(function: "hello")
        let isHello = { (record: InvocationRecord) in record.function == "hello" }
        try await InvocationFixtures.withPostgresDatabase { database in
            let sink = PostgresInvocationSink(database: database)
            _ = try await sink.insert(records[..<60])
            let store = PostgresInvocationStore(database: database)
            var pages: [[InvocationRecord]] = []
            var cursor: String?
            repeat {
                let page = try await store.list(filter: filter, limit: 7, before: cursor)
                pages.append(page)
                cursor = page.count == 7 ? page.last?.id : nil
            } while cursor != nil
            #expect(pages.map(\.count) == [7, 7, 6])
            #expect(Array(pages.joined()) == records[..<60].reversed().filter(isHello))

            let (current, feed) = try await store.follow(filter: filter, limit: 3, interval: .milliseconds(10))
            #expect(current == Array(records[..<60].reversed().filter(isHello).prefix(3)))
            _ = try await sink.insert(records[60...])
            let expected = records[60...].filter(isHello)
            let followed = try await withThrowingTaskGroup(of: [InvocationRecord].self) { group in
                group.addTask {
                    var followed: [InvocationRecord] = []
                    for try await batch in feed {
                        followed += batch
                        if followed.count >= expected.count { break }
                    }
                    return followed
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return []
                }
                defer { group.cancelAll() }
                return try await group.next() ?? []
            }
            #expect(followed == expected)
        }
    }

    @Test("statistics over the same records are identical in SQLite and in PostgreSQL")
    func statisticsMatchSQLite() async throws {
        var records = InvocationFixtures.variedRecords(count: 300)
        for index in records.indices {
            records[index].durationMs = Double((index * 37) % 101) + 0.5
            records[index].waitMs = Double((index * 13) % 17)
        }
        let filters = [
            InvocationFilter(),
            InvocationFilter(function: "resize"),
            InvocationFilter(statuses: [.error, .crash], trigger: .http),
            InvocationFilter(since: records[100].startedAt, until: records[200].startedAt),
        ]
        var sqlite: [[InvocationStatistics]] = []
        try await EveryStorage.$current.withValue(.sqlite) {
            try await InvocationFixtures.withStore(holding: records) { store in
                for filter in filters { sqlite.append(try await store.statistics(filter: filter)) }
            }
        }
        var postgres: [[InvocationStatistics]] = []
        try await EveryStorage.$current.withValue(.postgres) {
            try await InvocationFixtures.withStore(holding: records) { store in
                for filter in filters { postgres.append(try await store.statistics(filter: filter)) }
            }
        }
        #expect(sqlite.map(\.count) == [3, 1, 3, 3])
        #expect(postgres == sqlite)
    }

    @Test("logs, stats and prune --database read and prune the shared log; node names show in the table")
    func commands() async throws {
        var records = InvocationFixtures.variedRecords(count: 12)
        for index in records.indices {
            records[index].node = index.isMultiple(of: 2) ? "node-a:8080" : "node-b:8080"
        }
        try await InvocationFixtures.withPostgresDatabase { database in
            _ = try await PostgresInvocationSink(database: database).insert(records[...])
            let url = "\(database.url)"
            let formatter = InvocationFormatter(timeZone: TimeZone(identifier: "UTC")!)

            let logs = try Logs.parse(["--database", url, "--limit", "5"])
            let table = try await logs.source.withStore { try await logs.output(from: $0, formatter: formatter) }
            #expect(table == formatter.table(records.suffix(5).reversed()))
            #expect(table.split(separator: "\n").first?.hasSuffix("NODE") == true)
            #expect(table.contains("node-a:8080") && table.contains("node-b:8080"))

            let one = try Logs.parse(["--database", url, records[3].id])
            let detail = try await one.source.withStore { try await one.output(from: $0, formatter: formatter) }
            #expect(detail == formatter.detail(records[3]))

            let stats = try Stats.parse(["--database", url, "--json"])
            let lines = try await stats.source.withStore { try await stats.output(from: $0, formatter: formatter) }
            #expect(lines.split(separator: "\n").count == 3)

            let pruned = try await Prune.parse(["--database", url, "--keep-rows", "4"])
                .prune(logger: InvocationFixtures.quietLogger)
            #expect(pruned == "Deleted 8 invocation records from \(url).")
            #expect(
                try await PostgresInvocationStore(database: database).list(limit: 100) == records.suffix(4).reversed()
            )
        }
    }

    @Test("the commands say when the database holds no invocation log, or cannot be reached (without the password)")
    func commandErrors() async throws {
        let server = try await TestPostgres.shared()
        let empty = try await server.makeDatabase()
        let logs = try Logs.parse(["--database", "\(empty)"])
        let missing = await #expect(throws: InvocationLogError.self) {
            try await logs.source.withStore { _ in }
        }
        #expect(missing?.code == .notAnInvocationLog)
        #expect(missing?.message.contains("no log_invocations table") == true)
        #expect(missing?.message.contains("invoker serve --database") == true)

        // Nothing listens on the port of a server that was stopped.
        let stopped = try await TestPostgres.start()
        let port = stopped.port
        await stopped.remove()
        let unreachable = "postgres://invoker:secret@127.0.0.1:\(port)/invoker?sslmode=disable"
        let stats = try Stats.parse(["--database", unreachable])
        let failure = await #expect(throws: SharedDatabaseError.self) {
            try await stats.source.withStore { _ in }
        }
        #expect(failure?.code == .unreachable)
        #expect(failure?.message.contains("127.0.0.1:\(port)/invoker") == true)
        #expect(failure?.message.contains("secret") == false)
    }

    @Test(
        "with the database stopped, HTTP invocations answer 200 and their records wait in the buffer, the overflow counted in /metrics; after it restarts they all reach it"
    )
    func databaseOutage() async throws {
        try await TestPostgres.withOwnServer { server in
            let url = try await server.makeDatabase()
            let environment = try TestEnvironment(functions: ["echo": ["handler": "echo"]])
            defer { environment.remove() }
            let capacity = 4
            try await environment.withInvoker(configure: {
                $0.database = url
                $0.nodeName = "node-a"
                $0.retention.bufferCapacity = capacity
            }) { client in
                for _ in 0..<3 {
                    #expect(try await client.echo().status == .ok)
                }
                #expect(try await eventually(timeout: .seconds(10)) { try await Self.records(at: url).count == 3 })

                await server.stop()
                for _ in 0..<10 {
                    #expect(try await client.echo().status == .ok)
                }
                // The log cannot be read meanwhile: the admin API says so with 503 and Retry-After.
                let unreadable = try await client.execute(
                    uri: "/system/invocations",
                    method: .get,
                    headers: TestEnvironment.adminHeaders
                )
                #expect(unreadable.status == .serviceUnavailable)
                #expect(unreadable.headers[.retryAfter] == "1")
                #expect(String(buffer: unreadable.body).contains("DatabaseUnavailable"))
                // The writer holds at most one batch of the buffer's size besides a full buffer.
                let dropped = try await client.droppedRecords()
                #expect(dropped >= 10 - 2 * capacity)

                try await server.launch()
                #expect(
                    await eventually(timeout: .seconds(40)) {
                        (try? await Self.records(at: url).count) == 13 - dropped
                    }
                )
                #expect(try await client.droppedRecords() == dropped)
                // The admin API reads the shared database.
                let listing = try await client.execute(
                    uri: "/system/invocations?limit=1000",
                    method: .get,
                    headers: TestEnvironment.adminHeaders
                )
                let body = String(buffer: listing.body)
                #expect(body.components(separatedBy: #""node":"node-a""#).count - 1 == 13 - dropped)
            }
            let records = try await Self.records(at: url)
            #expect(Set(records.map(\.node)) == ["node-a"])
            #expect(Set(records.map(\.status)) == [.success])
        }
    }

    /// The records in the log of the database at `url`, newest first.
    private static func records(at url: PostgresURL) async throws -> [InvocationRecord] {
        let database = PostgresDatabase(url: url, logger: TestPostgres.logger)
        return try await database.withRunningClient { _ in
            try await PostgresInvocationStore(database: database).list(limit: 10_000)
        }
    }
}

extension TestClientProtocol {
    /// Calls the `echo` function over HTTP.
    fileprivate func echo() async throws -> TestResponse {
        try await execute(uri: "/function/echo", method: .post, body: ByteBuffer(string: "hi"))
    }

    /// The value of `invoker_log_dropped_records` at `/metrics`.
    fileprivate func droppedRecords() async throws -> Int {
        let metrics = try await execute(uri: "/metrics", method: .get, headers: TestEnvironment.adminHeaders)
        let line = String(buffer: metrics.body).split(separator: "\n")
            .first { $0.hasPrefix("invoker_log_dropped_records ") }
        let value = try #require(line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } })
        return Int(value)
    }
}
