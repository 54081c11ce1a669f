import Foundation
import NIOCore
import NIOHTTP1
import Subprocess
import Synchronization
import Testing

@testable import Invoker

/// Three real `invoker serve` processes on one PostgreSQL database, behind a real nginx running `deploy/nginx.conf`.
@Suite("Cluster: three nodes behind nginx", .serialized)
struct ClusterTests {
    /// The nodes' manifest: `whoami` answers its worker's environment (NODE says which node ran it) on `GET /whoami`;
    /// `rec` consumes the `jobs` queue and writes each message to its node's own record file.
    static func functions(node: Int, records: String) -> [String: Any] {
        [
            "whoami": TestEnvironment.fixture(
                "env",
                ["http": [["path": "/whoami", "methods": ["GET"]]], "environment": ["NODE": "node-\(node)"]]
            ),
            "rec": TestEnvironment.recorder(
                queue: "jobs",
                recordFile: records,
                trigger: ["batchSize": 10, "visibilityTimeout": 2, "maxRetries": 10],
                settings: ["timeout": 1, "scaling": ["max": 2]],
                environment: ["SLEEP_MS": "20"]
            ),
        ]
    }

    /// The manifests of three nodes, each with its own record file.
    static func manifests(records: [String]) -> [[String: Any]] {
        records.indices.map { functions(node: $0 + 1, records: records[$0]) }
    }

    /// A record file for each of three nodes, readable and writable by workers under their own user ids.
    static func recordFiles() throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        return try (1...3).map { node in
            let path = folder.appendingPathComponent("node-\(node).txt").path
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: path)
            return path
        }
    }

    @Test("requests through nginx spread over the three nodes, and go on to the others when one is killed")
    func spreadAndFailover() async throws {
        let database = try await TestPostgres.shared().makeDatabase()
        let records = try Self.recordFiles()
        try await TestCluster.run(database: database, manifests: Self.manifests(records: records)) {
            cluster in
            var served: [String: Int] = [:]
            for _ in 0..<30 {
                let answer = try await TestCluster.request(.GET, cluster.url + "/whoami")
                #expect(answer.status == .ok)
                let environment = try JSONDecoder().decode([String: String].self, from: Data(answer.body.utf8))
                served[environment["NODE"] ?? "?", default: 0] += 1
            }
            #expect(Set(served.keys) == ["node-1", "node-2", "node-3"], "served: \(served)")
            // Each node wrote its records to the one log, with its name.
            let log = PostgresDatabase(url: database, logger: TestPostgres.logger)
            let nodes = try await log.withRunningClient { _ in
                let store = try await PostgresInvocationStore.open(log)
                var nodes: [String: Int] = [:]
                _ = try await eventually {
                    let records = try await store.list(
                        filter: InvocationFilter(function: "whoami"),
                        limit: 100,
                        before: nil
                    )
                    nodes = records.reduce(into: [:]) { $0[$1.node ?? "?", default: 0] += 1 }
                    return records.count == 30
                }
                return nodes
            }
            #expect(nodes == served, "records by node: \(nodes), answers by node: \(served)")

            try cluster.nodes[1].signal(.kill)
            for _ in 0..<30 {
                let answer = try await TestCluster.request(.GET, cluster.url + "/whoami")
                #expect(answer.status == .ok, "a GET goes on to a live node: \(answer.body)")
                #expect(!answer.body.contains("\"node-2\""))
            }
        }
    }

    @Test("messages enqueued on one node are processed on all three; kill -9 of one mid-batch loses none")
    func queueAcrossNodesAndKill() async throws {
        let database = try await TestPostgres.shared().makeDatabase()
        let records = try Self.recordFiles()
        let bodies = (0..<3_000).map { "message-\($0)" }
        let acknowledged = Acknowledged()
        try await TestCluster.run(database: database, manifests: Self.manifests(records: records)) {
            cluster in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await QueueCrashTests.send(bodies, to: cluster.nodes[0].url, acknowledged: acknowledged)
                }
                // Node 3 is killed while it runs batches: once every node has processed some.
                #expect(
                    await eventually(timeout: .seconds(60)) {
                        records.allSatisfy { RecordedMessage.read($0).count >= 50 }
                    }
                )
                try cluster.nodes[2].signal(.kill)
                try await group.waitForAll()
            }
            let sent = acknowledged.bodies.withLock { $0 }
            #expect(sent.count == bodies.count, "node 1 acknowledged every message")
            // The other nodes finish everything, node 3's leased batches once their leases expire.
            #expect(
                await eventually(timeout: .seconds(60)) {
                    Set(records.flatMap(RecordedMessage.read).map(\.body)).isSuperset(of: sent)
                }
            )
        }
        let processed = records.map(RecordedMessage.read)
        let all = processed.flatMap { $0 }
        let distinct = Set(all.map(\.body))
        #expect(distinct.isSuperset(of: acknowledged.bodies.withLock { $0 }))
        #expect(processed.allSatisfy { !$0.isEmpty }, "every node processed messages")
        print(
            "cluster kill -9 test: \(bodies.count) sent, \(acknowledged.bodies.withLock { $0.count }) acknowledged,"
                + " \(distinct.count) processed (by node: \(processed.map { Set($0.map(\.body)).count })),"
                + " \(all.count - distinct.count) redelivered,"
                + " \(acknowledged.bodies.withLock { $0 }.subtracting(distinct).count) lost"
        )
        let shared = PostgresDatabase(url: database, logger: TestPostgres.logger)
        let statistics = try await shared.withRunningClient { _ in
            try await PostgresQueueStore(database: shared).statistics()
        }
        #expect(statistics.allSatisfy { $0.depth + $0.inFlight + $0.delayed + $0.deadLetters == 0 }, "\(statistics)")
    }

    @Test("with the database down, an enqueue through nginx gets the node's 503 and Retry-After, a GET still works")
    func databaseOutageThroughNginx() async throws {
        try await TestPostgres.withOwnServer { server in
            let database = try await server.makeDatabase()
            let records = try Self.recordFiles()
            try await TestCluster.run(database: database, manifests: Self.manifests(records: records)) {
                cluster in
                #expect(
                    try await TestCluster.request(.POST, cluster.url + "/queue/jobs", body: "before").status
                        == .accepted
                )
                await server.stop()
                for _ in 0..<3 {
                    let refused = try await TestCluster.request(.POST, cluster.url + "/queue/jobs", body: "during")
                    #expect(refused.status == .serviceUnavailable, "\(refused.body)")
                    #expect(refused.headers.first(name: "retry-after") != nil)
                    #expect(try await TestCluster.request(.GET, cluster.url + "/whoami").status == .ok)
                }
                try await server.launch()
                #expect(
                    await eventually(timeout: .seconds(30)) {
                        (try? await TestCluster.request(.POST, cluster.url + "/queue/jobs", body: "after"))?.status
                            == .accepted
                    }
                )
                #expect(
                    await eventually(timeout: .seconds(30)) {
                        Set(records.flatMap(RecordedMessage.read).map(\.body)).isSuperset(of: ["before", "after"])
                    }
                )
            }
        }
    }
}
