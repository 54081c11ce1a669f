import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Subprocess
import Testing

@testable import Invoker

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What only the PostgreSQL queue store has: several nodes on one database, migrations at start, waking without
/// `NOTIFY`, and a database that goes away. (Its behaviour as a ``QueueStore`` is ``QueueStoreTests``.)
@Suite("PostgreSQL queue")
struct PostgresQueueTests {
    let policy = RetryPolicy(maxRetries: 2, visibilityTimeout: .seconds(30), retryDelay: .seconds(10))

    @Test("migrators starting together: one applies the schema, none fails")
    func concurrentMigrations() async throws {
        let url = try await TestPostgres.shared().makeDatabase()
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await PostgresDatabase(url: url, logger: TestPostgres.logger).withConnection { connection in
                        try await PostgresMigrator().migrate(on: connection, logger: TestPostgres.logger)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(applied.filter { !$0.isEmpty } == [PostgresSchema.migrations.map(\.version)])
    }

    @Test("a node refuses a schema newer than it knows, naming both versions")
    func newerSchema() async throws {
        let url = try await TestPostgres.shared().makeDatabase()
        let database = PostgresDatabase(url: url, logger: TestPostgres.logger)
        try await database.migrate()
        let newer = PostgresSchema.latestVersion + 7
        try await database.withConnection { connection in
            try await connection.query(
                "INSERT INTO schema_migrations (version, name) VALUES (\(newer), 'from the future')",
                logger: TestPostgres.logger
            ).drain()
        }
        do {
            try await database.migrate()
            Issue.record("the newer schema was accepted")
        } catch let error as SharedDatabaseError {
            #expect(error.code == .schemaTooNew)
            #expect(
                error.message.contains("version \(newer)") && error.message.contains("\(PostgresSchema.latestVersion)")
            )
        }
    }

    @Test("a late acknowledge from a node whose lease expired leaves the other node's delivery alone")
    func lateAcknowledgeAcrossNodes() async throws {
        let clock = ManualClock()
        let url = try await TestPostgres.shared().makeDatabase()
        try await withPostgresQueueStores(2, url: url, clock: clock) { nodes in
            _ = try await nodes[0].enqueue([NewMessage(body: .text("job"))], to: "jobs")
            let first = try await nodes[0].lease(from: "jobs", limit: 1, policy: policy)
            clock.advance(policy.visibilityTimeout)
            let second = try await nodes[1].lease(from: "jobs", limit: 1, policy: policy)
            #expect(second.map(\.id) == first.map(\.id) && second.first?.receiveCount == 2)
            try await nodes[0].acknowledge(first.map(\.receipt))
            #expect(
                try await nodes[0].fail(first.map { QueueFailure(receipt: $0.receipt, error: "late") }, policy: policy)
                    .isEmpty
            )
            #expect(try await nodes[1].statistics().first?.inFlight == 1)
            try await nodes[1].acknowledge(second.map(\.receipt))
            #expect(try await nodes[1].statistics().isEmpty)
        }
    }

    @Test("a message inserted by SQL, with no NOTIFY, wakes the consumers' doorbell through polling")
    func pollingWithoutNotify() async throws {
        let url = try await TestPostgres.shared().makeDatabase()
        try await withPostgresQueueStores(1, url: url) { stores in
            let store = stores[0]
            let watcher = VisibilityWatcher(store: store, logger: TestPostgres.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await watcher.run() }
                defer { group.cancelAll() }
                let mark = store.arrivals.mark("jobs")
                let now = EpochTime.nowMs()
                try await PostgresDatabase(url: url, logger: TestPostgres.logger).withConnection { connection in
                    try await connection.query(
                        """
                        INSERT INTO queue_messages (id, queue, body, body_is_text, md5, sent_at, visible_at)
                        VALUES ('by-sql', 'jobs', \(ByteBuffer(string: "hello")), true, \(MD5.hex(Array("hello".utf8))),
                                \(now), \(now))
                        """,
                        logger: TestPostgres.logger
                    ).drain()
                }
                // Only the watcher's reads can ring the doorbell here: nothing announced the message.
                await store.arrivals.wait("jobs", after: mark, timeout: .seconds(30))
                #expect(store.arrivals.mark("jobs") != mark, "the doorbell did not ring within 30 s")
                let batch = try await store.lease(from: "jobs", limit: 10, policy: policy)
                #expect(batch.map(\.id) == ["by-sql"] && batch.first?.body == .text("hello"))
            }
        }
    }

    @Test("invoker serve --database processes queue messages through a real worker, and queue list reads them")
    func serveWithDatabase() async throws {
        let url = try await TestPostgres.shared().makeDatabase()
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let records = try environment.recordFile()
        try environment.writeManifest([
            "rec": TestEnvironment.recorder(queue: "jobs", recordFile: records, trigger: ["batchSize": 10])
        ])
        let (sent, _) = try await environment.serveProcess(options: ["--database", url.description]) { base, signal in
            var statuses: [Int] = []
            for index in 0..<20 {
                var request = URLRequest(url: URL(string: "\(base)/queue/jobs")!)
                request.httpMethod = "POST"
                request.httpBody = Data("message-\(index)".utf8)
                let (_, response) = try await URLSession.shared.data(for: request)
                statuses.append((response as? HTTPURLResponse)?.statusCode ?? 0)
            }
            #expect(await eventually(timeout: .seconds(20)) { RecordedMessage.read(records).count >= 20 })
            try signal(.terminate)
            return statuses
        }
        #expect(sent == Array(repeating: 202, count: 20))
        #expect(Set(RecordedMessage.read(records).map(\.body)) == Set((0..<20).map { "message-\($0)" }))
        // The queue is in PostgreSQL: no SQLite queue file was made, and `invoker queue list` reads the database.
        #expect(!FileManager.default.fileExists(atPath: environment.queueDatabasePath))
        let listing = try await withPostgresQueueStores(1, url: url) { try await $0[0].statistics() }
        #expect(listing.map(\.name) == ["jobs"] && listing.first?.depth == 0)
    }

    @Test(
        "with the database stopped, enqueues get 503 with Retry-After and /readyz is not ready, sync calls work; after it restarts, all resumes"
    )
    func databaseRestart() async throws {
        try await TestPostgres.withOwnServer { server in
            let url = try await server.makeDatabase()
            let environment = try TestEnvironment(functions: [:])
            defer { environment.remove() }
            let records = try environment.recordFile()
            try environment.writeManifest([
                "rec": TestEnvironment.recorder(queue: "jobs", recordFile: records),
                "echo": ["handler": "echo"],
            ])
            try await environment.withInvoker(configure: {
                $0.database = url
                $0.postgresQueue.operationTimeout = .seconds(2)
            }) { client in
                #expect(try await client.enqueue("before", to: "jobs").status == .accepted)
                #expect(await eventually { RecordedMessage.read(records).map(\.body) == ["before"] })
                #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)

                await server.stop()
                let refused = try await client.enqueue("while-down", to: "jobs")
                #expect(refused.status == .serviceUnavailable)
                #expect(refused.headers[.retryAfter] == "1")
                #expect(String(buffer: refused.body).contains("QueueUnavailable"))
                let event = try await client.execute(
                    uri: "/2015-03-31/functions/echo/invocations",
                    method: .post,
                    headers: [HTTPField.Name("X-Amz-Invocation-Type")!: "Event"],
                    body: ByteBuffer(string: "{}")
                )
                #expect(event.status == .serviceUnavailable && event.headers[.retryAfter] != nil)
                #expect(try await client.execute(uri: "/readyz", method: .get).status == .serviceUnavailable)
                let sync = try await client.execute(
                    uri: "/function/echo",
                    method: .post,
                    body: ByteBuffer(string: "hi")
                )
                #expect(sync.status == .ok)

                try await server.launch()
                #expect(
                    try await eventually(timeout: .seconds(15)) {
                        try await client.enqueue("after", to: "jobs").status == .accepted
                    }
                )
                #expect(try await eventually { try await client.execute(uri: "/readyz", method: .get).status == .ok })
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        RecordedMessage.read(records).map(\.body).contains("after")
                    }
                )
                #expect(!RecordedMessage.read(records).map(\.body).contains("while-down"))
            }
        }
    }
}
