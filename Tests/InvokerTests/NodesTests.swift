import Foundation
import HTTPTypes
import HummingbirdTesting
import InMemoryLogging
import Logging
import PostgresNIO
import Testing

@testable import Invoker

/// Membership: every node heartbeats its row in the shared database, and `GET /system/nodes` and `invoker nodes` list
/// the nodes as up, gone or stopped; a single node lists itself.
@Suite("Cluster nodes")
struct NodesTests {
    /// A manifest whose function keeps one warm worker, so worker counts show.
    static var functions: [String: Any] { ["echo": ["handler": "echo", "scaling": ["min": 1]]] }

    @Test("two nodes on one database list each other with their workers; one stopped gracefully shows stopped at once")
    func twoNodes() async throws {
        let url = try await TestPostgres.shared().makeDatabase()
        let alphaFolder = try TestEnvironment(functions: Self.functions)
        let betaFolder = try TestEnvironment(functions: Self.functions)
        defer {
            alphaFolder.remove()
            betaFolder.remove()
        }
        try await alphaFolder.withInvoker(configure: Self.clustered("alpha", url)) { alpha in
            try await betaFolder.withInvoker(configure: Self.clustered("beta", url)) { beta in
                for (client, me) in [(alpha, "alpha"), (beta, "beta")] {
                    let listed = try await eventually {
                        let nodes = try await Self.nodes(client)
                        return nodes.map(\.name) == ["alpha", "beta"]
                            && nodes.allSatisfy { $0.state == .up && $0.workers["echo"]?.idle == 1 }
                    }
                    let nodes = try await Self.nodes(client)
                    #expect(listed, "\(me): \(nodes)")
                    #expect(nodes.filter(\.isSelf).map(\.name) == [me])
                    #expect(nodes.allSatisfy { $0.version == InvokerVersion.current })
                    #expect(
                        nodes.allSatisfy { $0.address.hasPrefix("http://127.0.0.1:") && !$0.address.hasSuffix(":0") }
                    )
                }
                let table = try await QueueCommandTests.invoker(["nodes", "--database", url.description]).output
                let lines = table.split(separator: "\n")
                #expect(lines.first?.hasPrefix("NAME") == true && lines.count == 3, "\(table)")
                #expect(lines.dropFirst().map { String($0.prefix { $0 != " " }) } == ["alpha", "beta"], "\(table)")
                #expect(lines.dropFirst().allSatisfy { $0.contains(" up ") && $0.hasSuffix("echo 0/1/0") }, "\(table)")
                let json = try await QueueCommandTests.invoker(["nodes", "--database", url.description, "--json"])
                let document = try JSONDecoder().decode(NodeRoutes.Document.self, from: Data(json.output.utf8))
                #expect(document.nodes.map(\.name) == ["alpha", "beta"])
            }
            let beta = try #require(try await Self.nodes(alpha).first { $0.name == "beta" })
            #expect(beta.state == .stopped)
            #expect(try await Self.nodes(alpha).first { $0.name == "alpha" }?.state == .up)
        }
    }

    @Test("two nodes starting together against an empty database both start, and the schema is applied once")
    func startingTogether() async throws {
        let url = try await TestPostgres.shared().makeDatabase()
        let folders = try (0..<2).map { _ in try TestEnvironment(functions: Self.functions) }
        defer {
            for folder in folders { folder.remove() }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, folder) in folders.enumerated() {
                var configuration = folder.configuration
                Self.clustered("node-\(index)", url)(&configuration)
                group.addTask { _ = try await buildApplication(configuration, logger: TestPostgres.logger) }
            }
            try await group.waitForAll()
        }
        let versions = try await PostgresDatabase(url: url, logger: TestPostgres.logger).withConnection { connection in
            var versions: [Int] = []
            for try await version in try await connection.query(
                "SELECT version FROM schema_migrations ORDER BY version",
                logger: TestPostgres.logger
            ).decode(Int.self) {
                versions.append(version)
            }
            return versions
        }
        #expect(versions == PostgresSchema.migrations.map(\.version))
    }

    @Test("a node whose heartbeats stop is gone after the threshold, by the database's clock; day-old rows go")
    func silentNode() async throws {
        let url = try await TestPostgres.shared().makeDatabase()
        let folder = try TestEnvironment(functions: Self.functions)
        defer { folder.remove() }
        try await folder.withInvoker(configure: Self.clustered("alpha", url, goneAfter: .seconds(2))) { client in
            #expect(try await eventually { try await Self.nodes(client).map(\.name) == ["alpha"] })
            // Rows as nodes would write them, timed by the database: one beating now, one silent for two days.
            try await PostgresDatabase(url: url, logger: TestPostgres.logger).withConnection { connection in
                try await connection.query(
                    """
                    INSERT INTO cluster_nodes (name, address, started_at, version, heartbeat_at, workers)
                    VALUES ('ghost', 'http://ghost:8080', 0, '0.1.0', (extract(epoch FROM now()) * 1000)::BIGINT, '{}'),
                           ('ancient', 'http://ancient:8080', 0, '0.1.0',
                            (extract(epoch FROM now()) * 1000)::BIGINT - 2 * 86400000, '{}')
                    """,
                    logger: TestPostgres.logger
                ).drain()
            }
            let ghost = try await Self.nodes(client).first { $0.name == "ghost" }
            #expect(ghost?.state == .up && ghost?.isSelf == false)
            #expect(try await eventually { try await Self.nodes(client).map(\.name) == ["alpha", "ghost"] })
            #expect(try await eventually { try await Self.nodes(client).first { $0.name == "ghost" }?.state == .gone })
            let gone = try await Self.nodes(client).first { $0.name == "ghost" }
            #expect((gone?.secondsSinceHeartbeat ?? 0) > 2)
            #expect(try await Self.nodes(client).first { $0.name == "alpha" }?.state == .up)
        }
    }

    @Test("a single node without a database lists itself from memory; /system/nodes requires the admin key")
    func singleNode() async throws {
        let folder = try TestEnvironment(functions: Self.functions)
        defer { folder.remove() }
        try await folder.withInvoker { client in
            let port = try #require(client.port)
            #expect(try await client.execute(uri: "/system/nodes", method: .get).status == .unauthorized)
            #expect(try await eventually { try await Self.nodes(client).first?.workers["echo"]?.idle == 1 })
            let nodes = try await Self.nodes(client)
            #expect(nodes.count == 1)
            let node = try #require(nodes.first)
            #expect(node.name == "\(ProcessInfo.processInfo.hostName):\(port)")
            #expect(node.address == "http://127.0.0.1:\(port)")
            #expect(node.state == .up && node.isSelf && node.version == InvokerVersion.current)
            let table = try await QueueCommandTests.invoker([
                "nodes", "--url", "http://127.0.0.1:\(port)", "--api-key", TestEnvironment.adminKey,
            ]).output
            #expect(table.contains(node.name) && table.contains("echo 0/1/0"), "\(table)")
        }
    }

    @Test("a heartbeat that cannot reach the database is logged once per outage, and the next tick retries")
    func outage() async throws {
        try await TestPostgres.withOwnServer { server in
            let url = try await server.makeDatabase()
            let database = PostgresDatabase(url: url, logger: TestPostgres.logger)
            try await database.migrate()
            let node = NodeIdentity(configured: "alpha", host: "127.0.0.1", port: 0)
            node.listening(on: 8080)
            let logs = InMemoryLogHandler()
            var table = NodeTable(database: database)
            table.timeout = .seconds(2)
            let heartbeat = NodeHeartbeat(
                table: table,
                node: node,
                catalog: FunctionCatalog(),
                interval: .milliseconds(50),
                logger: Logger(label: "test", factory: { _ in logs })
            )
            try await database.withRunningClient { _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await heartbeat.run() }
                    defer { group.cancelAll() }
                    // Reads may time out while the machine is busy: they are tried again until the deadline.
                    #expect(await eventually { (try? await Self.names(in: table)) == ["alpha"] })
                    await server.stop()
                    #expect(await eventually { !Self.warnings(logs).isEmpty })
                    // Several failed ticks later, still one warning.
                    try await Task.sleep(for: .seconds(2))
                    #expect(Self.warnings(logs).count == 1)
                    try await server.launch()
                    // The connection pool retries with a growing back-off (capped at 60 s), which a long outage on a
                    // busy machine makes longer than a few seconds.
                    #expect(
                        await eventually(timeout: .seconds(90)) {
                            logs.entries.contains { $0.level == .info && "\($0.message)".contains("again") }
                        }
                    )
                    #expect(Self.warnings(logs).count == 1)
                }
            }
        }
    }

    @Test("a node's address names the machine when it listens on every interface, and brackets IPv6 literals")
    func address() {
        let wildcard = NodeIdentity(configured: nil, host: "0.0.0.0", port: 0)
        wildcard.listening(on: 4321)
        #expect(wildcard.address == "http://\(ProcessInfo.processInfo.hostName):4321")
        #expect(wildcard.name == "\(ProcessInfo.processInfo.hostName):4321")
        let named = NodeIdentity(configured: "edge-1", host: "::1", port: 0)
        named.listening(on: 80)
        #expect(named.address == "http://[::1]:80" && named.name == "edge-1")
    }

    @Test("invoker --version prints the version")
    func version() async throws {
        let output = try await QueueCommandTests.invoker(["--version"]).output
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == InvokerVersion.current)
    }

    /// What points a configuration at the shared database `url` as node `name`, beating every 100 ms, with nodes
    /// silent for `goneAfter` gone.
    static func clustered(
        _ name: String,
        _ url: PostgresURL,
        goneAfter: Duration = NodeStatus.defaultGoneAfter
    ) -> (inout ServerConfiguration) -> Void {
        { configuration in
            configuration.database = url
            configuration.nodeName = name
            configuration.heartbeatInterval = .milliseconds(100)
            configuration.nodeGoneAfter = goneAfter
        }
    }

    /// The nodes `client`'s invoker lists at `GET /system/nodes`.
    static func nodes(_ client: some TestClientProtocol) async throws -> [NodeStatus] {
        let response = try await client.execute(
            uri: "/system/nodes",
            method: .get,
            headers: TestEnvironment.adminHeaders
        )
        try #require(response.status == .ok, "\(String(buffer: response.body))")
        return try JSONDecoder().decode(NodeRoutes.Document.self, from: Data(String(buffer: response.body).utf8)).nodes
    }

    /// The names of the nodes in `table`.
    static func names(in table: NodeTable) async throws -> [String] {
        try await table.list(goneAfter: .seconds(10), selfName: nil).map(\.name)
    }

    /// The warnings logged to `logs`.
    static func warnings(_ logs: InMemoryLogHandler) -> [InMemoryLogHandler.Entry] {
        logs.entries.filter { $0.level == .warning }
    }
}
